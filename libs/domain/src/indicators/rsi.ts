import { checkPeriod, notFinite } from './period';

/**
 * Relative strength index with Wilder's smoothing: the first average gain/loss is the mean of
 * the first `period` changes, then avg ← avg + (x − avg) / period. The first value appears at
 * index `period` (it needs period + 1 closes). O(1) per update.
 *
 * A window without any movement (avg gain = avg loss = 0, e.g. an exchange halt's flat candles)
 * gives 50, neutral, rather than 0 or 100: a halt is neither oversold nor overbought.
 */
export class Rsi {
  readonly period: number;
  /** The latest RSI in [0, 100] (NaN while warming up). */
  value = NaN;
  private readonly alpha: number;
  private count = 0;
  private prev = 0;
  private avgGain = 0;
  private avgLoss = 0;

  constructor(period: number) {
    checkPeriod('Rsi', period);
    this.period = period;
    this.alpha = 1 / period;
  }

  get ready(): boolean {
    return this.count > this.period;
  }

  update(close: number): number {
    if (close - close !== 0) throw notFinite('Rsi', close);
    const change = close - this.prev;
    this.prev = close;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    if (this.count > this.period) {
      this.avgGain += this.alpha * (gain - this.avgGain);
      this.avgLoss += this.alpha * (loss - this.avgLoss);
    } else {
      if (this.count++ === 0) return NaN; // the first close has no change
      this.avgGain += gain;
      this.avgLoss += loss;
      if (this.count <= this.period) return NaN;
      this.avgGain /= this.period;
      this.avgLoss /= this.period;
    }
    const total = this.avgGain + this.avgLoss;
    // gain/total is a correctly rounded quotient ≤ 1, so rounding can never leave [0, 100].
    return (this.value = total > 0 ? 100 * (this.avgGain / total) : 50);
  }
}

/** Batch RSI: one output per close, NaN while warming up. Same numbers as `Rsi`. */
export function rsi(closes: readonly number[], period: number): number[] {
  const r = new Rsi(period);
  return closes.map((c) => r.update(c));
}
