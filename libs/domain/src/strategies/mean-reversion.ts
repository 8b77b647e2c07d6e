import type { Validated } from '../config/validated';
import { Bollinger } from '../indicators/bollinger';
import { Rsi } from '../indicators/rsi';
import type { Candle } from '../market/types';
import { defineStrategy } from './define-strategy';
import { fmt, lazySignal } from './signal';
import { StreamingStrategy } from './streaming-strategy';
import type { Signal } from './types';

export interface MeanReversionParams {
  readonly bbPeriod: number;
  readonly bbMult: number;
  readonly rsiPeriod: number;
  /** Buy only while RSI is below this … */
  readonly rsiOversold: number;
  /** … and sell once it rises above this, or once the close is back at the exit band. */
  readonly rsiOverbought: number;
  /** Which band ends the reversion: the middle (SMA) or the upper band. */
  readonly exitBand: 'middle' | 'upper';
}

/** The built-in mean reversion, defined with the plug-in API (docs/strategies.md). */
export const MEAN_REVERSION = defineStrategy({
  name: 'mean_reversion',
  description: 'Mean reversion: buy a close below the lower Bollinger band while RSI is oversold; sell back at the exit band or on RSI overbought',
  // exitBand first: its problem is listed first, as before the plug-in API.
  parameters: {
    exitBand: { type: 'choice', options: ['middle', 'upper'], default: 'middle', description: 'the band that ends the reversion' },
    bbPeriod: { type: 'integer', min: 2, max: 1000, default: 20, description: 'Bollinger period' },
    bbMult: { type: 'number', min: 0.1, max: 10, default: 2, description: 'Bollinger width in standard deviations' },
    rsiPeriod: { type: 'integer', min: 2, max: 1000, default: 14, description: 'RSI period' },
    rsiOversold: { type: 'number', min: 0, max: 100, default: 30, description: 'buy only while RSI is below this' },
    rsiOverbought: { type: 'number', min: 0, max: 100, default: 70, description: 'sell once RSI rises above this' },
  },
  check: (p) => (p.rsiOversold < p.rsiOverbought ? [] : [`rsiOversold (${p.rsiOversold}) must be < rsiOverbought (${p.rsiOverbought})`]),
  create: (p) => new MeanReversion(p),
});

export const MEAN_REVERSION_DEFAULTS: MeanReversionParams = MEAN_REVERSION.defaults;

export function validateMeanReversion(p: Record<string, unknown>): Validated<MeanReversionParams> {
  return MEAN_REVERSION.validate(p);
}

/**
 * Mean reversion: buy a close below the lower Bollinger band while RSI confirms oversold; sell
 * when the close is back at the exit band or RSI turns overbought. Streaming: the bands and the
 * RSI are updated once per closed candle; the warm-up (4 × the RSI period, at least the band's)
 * lets Wilder's smoothing settle before the first signal.
 */
export class MeanReversion extends StreamingStrategy {
  readonly name = 'mean_reversion';
  readonly warmup: number;
  private bb!: Bollinger;
  private rsi!: Rsi;
  private close = NaN;

  constructor(readonly params: MeanReversionParams) {
    super();
    this.warmup = Math.max(params.bbPeriod, 4 * params.rsiPeriod) + 1;
    this.onReset();
  }

  protected onReset(): void {
    this.bb = new Bollinger(this.params.bbPeriod, this.params.bbMult);
    this.rsi = new Rsi(this.params.rsiPeriod);
    this.close = NaN;
  }

  protected onCandle(c: Candle): void {
    this.bb.update(c.close);
    this.rsi.update(c.close);
    this.close = c.close;
  }

  protected decide(): Signal {
    const { bbPeriod, bbMult, rsiPeriod, rsiOversold, rsiOverbought, exitBand } = this.params;
    const close = this.close;
    const r = this.rsi.value;
    const { lower, middle, upper } = this.bb;
    // Reasons are built only when read, from the numbers of this candle (captured above).
    const bands = (): string => `close ${fmt(close)}, BB(${bbPeriod}, ${bbMult}) ${fmt(lower)} / ${fmt(middle)} / ${fmt(upper)}`;
    const rsiText = (): string => `RSI(${rsiPeriod}) ${fmt(r)}`;
    if (close < lower) {
      if (r < rsiOversold) return lazySignal('buy', () => [`SIGNAL.BELOW_LOWER_BAND: ${bands()}`, `SIGNAL.RSI_OVERSOLD: ${rsiText()} < ${rsiOversold}`]);
      return lazySignal('hold', () => [`SIGNAL.BELOW_LOWER_BAND: ${bands()}`, `SIGNAL.RSI_FILTER: ${rsiText()} >= ${rsiOversold}, not oversold`]);
    }
    const exitLevel = exitBand === 'upper' ? upper : middle;
    if (close >= exitLevel) return lazySignal('sell', () => [`SIGNAL.AT_${exitBand.toUpperCase()}_BAND: ${bands()}`]);
    if (r > rsiOverbought) return lazySignal('sell', () => [`SIGNAL.RSI_OVERBOUGHT: ${rsiText()} > ${rsiOverbought}`]);
    return lazySignal('hold', () => [`SIGNAL.INSIDE_BANDS: ${bands()}; ${rsiText()}`]);
  }
}
