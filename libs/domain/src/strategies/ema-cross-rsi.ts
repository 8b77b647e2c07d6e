import type { Validated } from '../config/validated';
import { Ema } from '../indicators/ema';
import { Rsi } from '../indicators/rsi';
import type { Candle } from '../market/types';
import { defineStrategy } from './define-strategy';
import { fmt, lazySignalOf } from './signal';
import { StreamingStrategy } from './streaming-strategy';
import type { Signal } from './types';

export interface EmaCrossRsiParams {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly rsiPeriod: number;
  /** No entry while RSI is at or above this (overbought). */
  readonly rsiBuyMax: number;
}

/** The built-in trend follower, defined with the plug-in API (docs/strategies.md). */
export const EMA_CROSS_RSI = defineStrategy({
  name: 'ema_cross_rsi',
  description: 'Trend: buy when the fast EMA crosses above the slow one unless RSI says overbought; sell on the cross back',
  parameters: {
    fastPeriod: { type: 'integer', min: 1, max: 1000, default: 9, description: 'fast EMA period' },
    slowPeriod: { type: 'integer', min: 2, max: 1000, default: 21, description: 'slow EMA period' },
    rsiPeriod: { type: 'integer', min: 2, max: 1000, default: 14, description: 'RSI period' },
    rsiBuyMax: { type: 'number', min: 1, max: 100, default: 70, description: 'no entry while RSI is at or above this' },
  },
  check: (p) => (p.fastPeriod < p.slowPeriod ? [] : [`fastPeriod (${p.fastPeriod}) must be < slowPeriod (${p.slowPeriod})`]),
  create: (p) => new EmaCrossRsi(p),
});

export const EMA_CROSS_RSI_DEFAULTS: EmaCrossRsiParams = EMA_CROSS_RSI.defaults;

export function validateEmaCrossRsi(p: Record<string, unknown>): Validated<EmaCrossRsiParams> {
  return EMA_CROSS_RSI.validate(p);
}

/**
 * Trend follower: buy when the fast EMA crosses above the slow one, unless RSI says overbought;
 * sell when it crosses back below (exits are not filtered). Streaming: the EMAs and the RSI are
 * updated once per closed candle. The warm-up is 4 × the longest period, so the EMAs' SMA seed has
 * faded before the first signal.
 */
export class EmaCrossRsi extends StreamingStrategy {
  readonly name = 'ema_cross_rsi';
  readonly warmup: number;
  private fast!: Ema;
  private slow!: Ema;
  private rsi!: Rsi;
  private prevFast = NaN;
  private prevSlow = NaN;

  constructor(readonly params: EmaCrossRsiParams) {
    super();
    this.warmup = 4 * Math.max(params.slowPeriod, params.rsiPeriod) + 1;
    this.onReset();
  }

  protected onReset(): void {
    this.fast = new Ema(this.params.fastPeriod);
    this.slow = new Ema(this.params.slowPeriod);
    this.rsi = new Rsi(this.params.rsiPeriod);
    this.prevFast = NaN;
    this.prevSlow = NaN;
  }

  protected onCandle(c: Candle): void {
    this.prevFast = this.fast.value;
    this.prevSlow = this.slow.value;
    this.fast.update(c.close);
    this.slow.update(c.close);
    this.rsi.update(c.close);
  }

  protected decide(): Signal {
    const { fastPeriod, slowPeriod, rsiBuyMax } = this.params;
    const f = this.fast.value;
    const s = this.slow.value;
    const r = this.rsi.value;
    const pf = this.prevFast;
    const ps = this.prevSlow;
    // Reasons are built only when read, from the numbers of this candle, by helpers: a closure
    // here would make V8 allocate every variable it captures on the heap at every call, and run
    // through tsx (npm run bench) a named closure costs a defineProperty (keepNames).
    if (pf <= ps && f > s) {
      return crossUp(r >= rsiBuyMax ? 'hold' : 'buy', this.params, f, s, r);
    }
    if (pf >= ps && f < s) return crossDown(fastPeriod, f, slowPeriod, s);
    return noCross(fastPeriod, f, slowPeriod, s);
  }
}

/** A cross up: a buy, or a hold when RSI says overbought (r >= rsiBuyMax). */
function crossUp(action: 'buy' | 'hold', p: EmaCrossRsiParams, f: number, s: number, r: number): Signal {
  return lazySignalOf(action, crossUpReasons, p, f, s, r);
}

function crossUpReasons(p: EmaCrossRsiParams, f: number, s: number, r: number): readonly string[] {
  return [
    `SIGNAL.EMA_CROSS_UP: ${emaText(p.fastPeriod, f, p.slowPeriod, s)}`,
    r >= p.rsiBuyMax
      ? `SIGNAL.RSI_FILTER: RSI(${p.rsiPeriod}) ${fmt(r)} >= ${p.rsiBuyMax}, overbought`
      : `SIGNAL.RSI_OK: RSI(${p.rsiPeriod}) ${fmt(r)} < ${p.rsiBuyMax}`,
  ];
}

function crossDown(fastPeriod: number, f: number, slowPeriod: number, s: number): Signal {
  return lazySignalOf('sell', crossDownReasons, fastPeriod, f, slowPeriod, s);
}

function crossDownReasons(fastPeriod: number, f: number, slowPeriod: number, s: number): readonly string[] {
  return [`SIGNAL.EMA_CROSS_DOWN: ${emaText(fastPeriod, f, slowPeriod, s)}`];
}

/** The hold of almost every candle: one object (lazySignalOf), its text only if read. */
function noCross(fastPeriod: number, f: number, slowPeriod: number, s: number): Signal {
  return lazySignalOf('hold', noCrossReasons, fastPeriod, f, slowPeriod, s);
}

function noCrossReasons(fastPeriod: number, f: number, slowPeriod: number, s: number): readonly string[] {
  return [`SIGNAL.NO_CROSS: ${emaText(fastPeriod, f, slowPeriod, s)} (${f > s ? 'above' : 'below'})`];
}

function emaText(fastPeriod: number, f: number, slowPeriod: number, s: number): string {
  return `EMA(${fastPeriod}) ${fmt(f)} vs EMA(${slowPeriod}) ${fmt(s)}`;
}
