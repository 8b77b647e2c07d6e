import { FieldReader, type Validated } from '../config/validated';
import { Ema } from '../indicators/ema';
import { Rsi } from '../indicators/rsi';
import { fmt, guard, hold, longOnly } from './guard';
import type { Signal, Strategy, StrategyContext } from './types';

export interface EmaCrossRsiParams {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly rsiPeriod: number;
  /** No entry while RSI is at or above this (overbought). */
  readonly rsiBuyMax: number;
}

export const EMA_CROSS_RSI_DEFAULTS: EmaCrossRsiParams = { fastPeriod: 9, slowPeriod: 21, rsiPeriod: 14, rsiBuyMax: 70 };

export function validateEmaCrossRsi(p: Record<string, unknown>): Validated<EmaCrossRsiParams> {
  const r = new FieldReader();
  const v: EmaCrossRsiParams = {
    fastPeriod: r.integer('fastPeriod', p['fastPeriod'], 1, 1000),
    slowPeriod: r.integer('slowPeriod', p['slowPeriod'], 2, 1000),
    rsiPeriod: r.integer('rsiPeriod', p['rsiPeriod'], 2, 1000),
    rsiBuyMax: r.number('rsiBuyMax', p['rsiBuyMax'], 1, 100),
  };
  r.check(v.fastPeriod < v.slowPeriod, `fastPeriod (${String(p['fastPeriod'])}) must be < slowPeriod (${String(p['slowPeriod'])})`);
  return r.done(v);
}

/**
 * Trend follower: buy when the fast EMA crosses above the slow one, unless RSI says overbought;
 * sell when it crosses back below (exits are not filtered). Indicators run over exactly the last
 * `warmup` closes (4 × the longest period, so the EMAs' seed has faded), which keeps the answer
 * independent of how much history the caller passes.
 */
export class EmaCrossRsi implements Strategy {
  readonly name = 'ema_cross_rsi';
  readonly warmup: number;

  constructor(readonly params: EmaCrossRsiParams) {
    this.warmup = 4 * Math.max(params.slowPeriod, params.rsiPeriod) + 1;
  }

  evaluate(ctx: StrategyContext): Signal {
    const g = guard(ctx, this.warmup);
    if ('signal' in g) return g.signal;
    const { fastPeriod, slowPeriod, rsiPeriod, rsiBuyMax } = this.params;
    const fast = new Ema(fastPeriod);
    const slow = new Ema(slowPeriod);
    const rsi = new Rsi(rsiPeriod);
    let prevFast = NaN;
    let prevSlow = NaN;
    const candles = ctx.candles;
    for (let i = g.from; i < candles.length; i++) {
      const c = candles[i]!;
      prevFast = fast.value;
      prevSlow = slow.value;
      fast.update(c.close);
      slow.update(c.close);
      rsi.update(c.close);
    }
    const f = fast.value;
    const s = slow.value;
    const r = rsi.value;
    const emas = `EMA(${fastPeriod}) ${fmt(f)} vs EMA(${slowPeriod}) ${fmt(s)}`;
    if (prevFast <= prevSlow && f > s) {
      if (r >= rsiBuyMax) return hold(`SIGNAL.EMA_CROSS_UP: ${emas}`, `SIGNAL.RSI_FILTER: RSI(${rsiPeriod}) ${fmt(r)} >= ${rsiBuyMax}, overbought`);
      return longOnly(ctx, { action: 'buy', reasons: [`SIGNAL.EMA_CROSS_UP: ${emas}`, `SIGNAL.RSI_OK: RSI(${rsiPeriod}) ${fmt(r)} < ${rsiBuyMax}`] });
    }
    if (prevFast >= prevSlow && f < s) return longOnly(ctx, { action: 'sell', reasons: [`SIGNAL.EMA_CROSS_DOWN: ${emas}`] });
    return hold(`SIGNAL.NO_CROSS: ${emas} (${f > s ? 'above' : 'below'})`);
  }
}
