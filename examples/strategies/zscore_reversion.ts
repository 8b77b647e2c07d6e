/**
 * Mean reversion: how many standard deviations the close is from its moving average (the
 * z-score). Far below → buy (it should come back); back at the average → sell.
 *
 *   cab backtest --strategy-path examples/strategies --strategy zscore_reversion --data candles.csv
 *
 * docs/strategies.md explains the parts (parameters, warm-up, reasons).
 */
import { Bollinger, defineStrategy, fmt, lazySignal, StreamingStrategy, type Candle, type Signal } from '@cab/domain';

interface Params {
  readonly period: number;
  readonly entryZ: number;
  readonly exitZ: number;
}

class ZScoreReversion extends StreamingStrategy {
  readonly name = 'zscore_reversion';
  readonly warmup: number;
  // Bollinger keeps the window's mean and σ in O(1) per candle; its bands are not used.
  private bands!: Bollinger;
  private close = NaN;

  constructor(readonly p: Params) {
    super();
    this.warmup = p.period + 1;
    this.onReset();
  }

  protected onReset(): void {
    this.bands = new Bollinger(this.p.period, 1);
    this.close = NaN;
  }

  protected onCandle(c: Candle): void {
    this.bands.update(c.close);
    this.close = c.close;
  }

  protected decide(): Signal {
    const { middle, stdDev } = this.bands;
    const close = this.close;
    const { period, entryZ, exitZ } = this.p;
    // A flat window has no spread: nothing is "far" from the mean.
    if (!(stdDev > 0)) return lazySignal('hold', () => [`SIGNAL.FLAT: σ of the last ${period} closes is 0`]);
    const z = (close - middle) / stdDev;
    if (z <= -entryZ) return lazySignal('buy', () => [`SIGNAL.ZSCORE_LOW: z ${fmt(z)} <= -${entryZ} (close ${fmt(close)}, SMA(${period}) ${fmt(middle)})`]);
    if (z >= exitZ) return lazySignal('sell', () => [`SIGNAL.ZSCORE_BACK: z ${fmt(z)} >= ${exitZ}`]);
    return lazySignal('hold', () => [`SIGNAL.ZSCORE: z ${fmt(z)}`]);
  }
}

export default defineStrategy({
  name: 'zscore_reversion',
  description: 'Mean reversion: buy a close entryZ σ under its SMA, sell once it is back at exitZ σ',
  parameters: {
    period: { type: 'integer', min: 5, max: 1000, default: 30, description: 'window of the mean and σ' },
    entryZ: { type: 'number', min: 0.5, max: 5, default: 2, description: 'buy at z <= -entryZ' },
    exitZ: { type: 'number', min: -2, max: 3, default: 0, description: 'sell at z >= exitZ' },
  },
  check: (p) => (-p.entryZ < p.exitZ ? [] : [`exitZ (${p.exitZ}) must be > -entryZ (${-p.entryZ})`]),
  create: (p) => new ZScoreReversion(p),
});
