import { checkPeriod, notFinite } from './period';

/** True range of a bar given the previous close. */
export function trueRange(high: number, low: number, prevClose: number): number {
  const a = high - low;
  const b = high > prevClose ? high - prevClose : prevClose - high;
  const c = low > prevClose ? low - prevClose : prevClose - low;
  return a >= b ? (a >= c ? a : c) : b >= c ? b : c;
}

/**
 * Average true range with Wilder's smoothing. The first bar only supplies a previous close (as
 * in TA-Lib and technicalindicators); the first ATR is the mean of the next `period` true ranges,
 * at index `period`. O(1) per update.
 */
export class Atr {
  readonly period: number;
  /** The latest ATR in price units (NaN while warming up). */
  value = NaN;
  private readonly alpha: number;
  private count = 0;
  private prevClose = 0;
  private seed = 0;

  constructor(period: number) {
    checkPeriod('Atr', period);
    this.period = period;
    this.alpha = 1 / period;
  }

  get ready(): boolean {
    return this.count > this.period;
  }

  update(high: number, low: number, close: number): number {
    const all = high + low + close;
    if (all - all !== 0) throw notFinite('Atr', all);
    if (high < low) throw new RangeError(`Atr: high ${high} < low ${low}`);
    const prev = this.prevClose;
    this.prevClose = close;
    if (this.count > this.period) return (this.value += this.alpha * (trueRange(high, low, prev) - this.value));
    if (this.count++ === 0) return NaN;
    this.seed += trueRange(high, low, prev);
    if (this.count > this.period) this.value = this.seed / this.period;
    return this.value;
  }
}

/** Batch ATR over aligned high/low/close arrays: NaN while warming up. Same numbers as `Atr`. */
export function atr(high: readonly number[], low: readonly number[], close: readonly number[], period: number): number[] {
  if (high.length !== low.length || low.length !== close.length) throw new RangeError('atr: high, low and close must have the same length');
  const a = new Atr(period);
  return close.map((c, i) => a.update(high[i]!, low[i]!, c));
}
