import { FieldReader, type Validated } from '../config/validated';
import { Bollinger } from '../indicators/bollinger';
import { Rsi } from '../indicators/rsi';
import type { Candle } from '../market/types';
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

export const MEAN_REVERSION_DEFAULTS: MeanReversionParams = { bbPeriod: 20, bbMult: 2, rsiPeriod: 14, rsiOversold: 30, rsiOverbought: 70, exitBand: 'middle' };

export function validateMeanReversion(p: Record<string, unknown>): Validated<MeanReversionParams> {
  const r = new FieldReader();
  const exitBand = p['exitBand'];
  r.check(exitBand === 'middle' || exitBand === 'upper', `exitBand: must be "middle" or "upper", got ${JSON.stringify(exitBand)}`);
  const v: MeanReversionParams = {
    bbPeriod: r.integer('bbPeriod', p['bbPeriod'], 2, 1000),
    bbMult: r.number('bbMult', p['bbMult'], 0.1, 10),
    rsiPeriod: r.integer('rsiPeriod', p['rsiPeriod'], 2, 1000),
    rsiOversold: r.number('rsiOversold', p['rsiOversold'], 0, 100),
    rsiOverbought: r.number('rsiOverbought', p['rsiOverbought'], 0, 100),
    exitBand: exitBand === 'upper' ? 'upper' : 'middle',
  };
  r.check(v.rsiOversold < v.rsiOverbought, `rsiOversold (${String(p['rsiOversold'])}) must be < rsiOverbought (${String(p['rsiOverbought'])})`);
  return r.done(v);
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
