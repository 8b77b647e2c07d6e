import { notFinite, checkPeriod } from './period';

/**
 * Exponential moving average with k = 2 / (period + 1), seeded with the SMA of the first
 * `period` values (the TA-Lib / technicalindicators convention), so the first value appears at
 * index period − 1. O(1) per update.
 */
export class Ema {
  readonly period: number;
  readonly k: number;
  /** The latest average (NaN while warming up). */
  value = NaN;
  private count = 0;
  private seed = 0;

  constructor(period: number) {
    checkPeriod('Ema', period);
    this.period = period;
    this.k = 2 / (period + 1);
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  update(x: number): number {
    if (x - x !== 0) throw notFinite('Ema', x);
    if (this.count >= this.period) return (this.value += this.k * (x - this.value));
    this.seed += x;
    if (++this.count === this.period) this.value = this.seed / this.period;
    return this.value;
  }
}

/** Batch EMA: one output per input, NaN while warming up. Same numbers as `Ema`. */
export function ema(values: readonly number[], period: number): number[] {
  const e = new Ema(period);
  return values.map((v) => e.update(v));
}
