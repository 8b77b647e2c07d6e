import { checkFinite, checkPeriod, resumInterval } from './period';

/**
 * Simple moving average, O(1) per update: a ring buffer and a running sum.
 * `update` returns NaN until `period` values have been seen.
 */
export class Sma {
  readonly period: number;
  /** The latest average (NaN while warming up). */
  value = NaN;
  private readonly window: Float64Array;
  private readonly resumEvery: number;
  private head = 0;
  private count = 0;
  private total = 0;
  private sinceResum = 0;

  constructor(period: number) {
    checkPeriod('Sma', period);
    this.period = period;
    this.window = new Float64Array(period);
    this.resumEvery = resumInterval(period);
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  update(x: number): number {
    checkFinite('Sma', x);
    const head = this.head;
    if (this.count < this.period) {
      this.count++;
      this.total += x;
    } else {
      this.total += x - this.window[head]!;
    }
    this.window[head] = x;
    this.head = head + 1 === this.period ? 0 : head + 1;
    if (++this.sinceResum === this.resumEvery) this.resum();
    return (this.value = this.count >= this.period ? this.total / this.period : NaN);
  }

  private resum(): void {
    let t = 0;
    for (let i = 0; i < this.count; i++) t += this.window[i]!;
    this.total = t;
    this.sinceResum = 0;
  }
}

/** Batch SMA: one output per input, NaN while warming up. Same numbers as `Sma`. */
export function sma(values: readonly number[], period: number): number[] {
  const s = new Sma(period);
  return values.map((v) => s.update(v));
}
