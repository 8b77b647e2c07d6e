import { checkPeriod, notFinite, resumInterval } from './period';

/**
 * Simple moving average, O(1) per update: a ring buffer and a running sum.
 * `update` returns NaN until `period` values have been seen.
 */
export class Sma {
  readonly period: number;
  /** The latest average (NaN while warming up). */
  value = NaN;
  private readonly window: Float64Array;
  private readonly wrapsPerResum: number;
  private head = 0;
  private count = 0;
  private total = 0;
  private wraps = 0;

  constructor(period: number) {
    checkPeriod('Sma', period);
    this.period = period;
    this.window = new Float64Array(period);
    this.wrapsPerResum = Math.ceil(resumInterval(period) / period);
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  update(x: number): number {
    if (x - x !== 0) throw notFinite('Sma', x);
    if (this.count < this.period) return this.warm(x);
    const head = this.head;
    this.total += x - this.window[head]!;
    this.window[head] = x;
    if (++this.head === this.period) this.wrap();
    return (this.value = this.total / this.period);
  }

  private warm(x: number): number {
    this.total += x;
    this.window[this.head] = x;
    if (++this.head === this.period) this.wrap();
    return ++this.count < this.period ? NaN : (this.value = this.total / this.period);
  }

  /** Back at the start of the ring: now and then re-add the window so rounding drift cannot build up. */
  private wrap(): void {
    this.head = 0;
    if (++this.wraps < this.wrapsPerResum) return;
    this.wraps = 0;
    let t = 0;
    for (let i = 0; i < this.period; i++) t += this.window[i]!;
    this.total = t;
  }
}

/** Batch SMA: one output per input, NaN while warming up. Same numbers as `Sma`. */
export function sma(values: readonly number[], period: number): number[] {
  const s = new Sma(period);
  return values.map((v) => s.update(v));
}
