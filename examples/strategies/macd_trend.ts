/**
 * Trend following: MACD crosses above its signal line while the close is above a long EMA (the
 * trend filter) → buy; MACD crosses back below its signal line → sell.
 *
 *   cab backtest --strategy-path examples/strategies --strategy macd_trend --data candles.csv
 *
 * A walk-through of every part of this file is in docs/strategies.md.
 */
import { defineStrategy, Ema, fmt, lazySignal, Macd, StreamingStrategy, type Candle, type Signal } from '@cab/domain';

interface Params {
  readonly fast: number;
  readonly slow: number;
  readonly signal: number;
  readonly trendPeriod: number;
}

class MacdTrend extends StreamingStrategy {
  readonly name = 'macd_trend';
  readonly warmup: number;
  private macd!: Macd;
  private trend!: Ema;
  private prevHist = NaN;
  private close = NaN;

  constructor(readonly p: Params) {
    super();
    // The longest EMA has settled after ~4 of its periods; the signal line needs the slow one first.
    this.warmup = 4 * Math.max(p.slow + p.signal, p.trendPeriod) + 1;
    this.onReset();
  }

  protected onReset(): void {
    this.macd = new Macd({ fast: this.p.fast, slow: this.p.slow, signal: this.p.signal });
    this.trend = new Ema(this.p.trendPeriod);
    this.prevHist = NaN;
    this.close = NaN;
  }

  // O(1) per candle: three EMAs inside Macd and one trend EMA, updated in place.
  protected onCandle(c: Candle): void {
    this.prevHist = this.macd.histogram;
    this.macd.update(c.close);
    this.trend.update(c.close);
    this.close = c.close;
  }

  protected decide(): Signal {
    const hist = this.macd.histogram;
    const prev = this.prevHist;
    const close = this.close;
    const trend = this.trend.value;
    const { trendPeriod } = this.p;
    // Reasons are built only if someone reads them, from the numbers of this candle.
    if (prev <= 0 && hist > 0) {
      if (close > trend)
        return lazySignal('buy', () => [
          `SIGNAL.MACD_CROSS_UP: histogram ${fmt(hist)}`,
          `SIGNAL.TREND_UP: close ${fmt(close)} > EMA(${trendPeriod}) ${fmt(trend)}`,
        ]);
      return lazySignal('hold', () => [
        `SIGNAL.MACD_CROSS_UP: histogram ${fmt(hist)}`,
        `SIGNAL.TREND_FILTER: close ${fmt(close)} <= EMA(${trendPeriod}) ${fmt(trend)}`,
      ]);
    }
    if (prev >= 0 && hist < 0) return lazySignal('sell', () => [`SIGNAL.MACD_CROSS_DOWN: histogram ${fmt(hist)}`]);
    return lazySignal('hold', () => [`SIGNAL.MACD_NO_CROSS: histogram ${fmt(hist)}`]);
  }
}

export default defineStrategy({
  name: 'macd_trend',
  description: 'Trend: MACD crosses its signal line upwards above a long EMA; exit on the cross down',
  parameters: {
    fast: { type: 'integer', min: 2, max: 200, default: 12, description: 'fast EMA of the MACD line' },
    slow: { type: 'integer', min: 3, max: 400, default: 26, description: 'slow EMA of the MACD line' },
    signal: { type: 'integer', min: 2, max: 200, default: 9, description: 'EMA of the MACD line: the signal line' },
    trendPeriod: { type: 'integer', min: 2, max: 1000, default: 50, description: 'only buy above this EMA of the close' },
  },
  check: (p) => (p.fast < p.slow ? [] : [`fast (${p.fast}) must be < slow (${p.slow})`]),
  create: (p) => new MacdTrend(p),
});
