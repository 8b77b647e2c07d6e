import { notFinite, checkPeriod, resumInterval } from './period';

/**
 * Bollinger bands: middle = SMA(period), upper/lower = middle ± mult × σ, σ the population
 * standard deviation of the window. O(1) per update: the mean and the sum of squared deviations
 * are slid in place (Welford's update for a window), which stays accurate at BTC prices where
 * the naive Σx² − n·mean² cancels catastrophically; the window is re-summed now and then, and
 * whenever the slid variance could be mostly rounding error.
 * `update` returns the middle band and refreshes the fields without allocating.
 */
export class Bollinger {
  readonly period: number;
  readonly mult: number;
  middle = NaN;
  upper = NaN;
  lower = NaN;
  /** σ of the window (NaN while warming up). */
  stdDev = NaN;
  private readonly window: Float64Array;
  private readonly resumEvery: number;
  private head = 0;
  private count = 0;
  private mean = 0;
  private m2 = 0;
  /** Σ |x − old|·(|x| + |old|) since the last exact sum: the scale of m2's rounding error. */
  private drift = 0;
  private sinceResum = 0;

  constructor(period = 20, mult = 2) {
    checkPeriod('Bollinger', period);
    if (!(mult > 0) || !Number.isFinite(mult)) throw new RangeError(`Bollinger: mult must be > 0, got ${mult}`);
    this.period = period;
    this.mult = mult;
    this.window = new Float64Array(period);
    this.resumEvery = resumInterval(period);
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  /** Where x sits in the bands: 0 = lower, 1 = upper (NaN while warming up or with flat bands). */
  percentB(x: number): number {
    const w = this.upper - this.lower;
    return w > 0 ? (x - this.lower) / w : NaN;
  }

  update(x: number): number {
    if (x - x !== 0) throw notFinite('Bollinger', x);
    const head = this.head;
    if (this.count < this.period) {
      const n = ++this.count;
      const d = x - this.mean;
      this.mean += d / n;
      this.m2 += d * (x - this.mean);
    } else {
      const old = this.window[head]!;
      const oldMean = this.mean;
      const delta = x - old;
      this.mean += delta / this.period;
      this.m2 += delta * (x - this.mean + old - oldMean);
      this.drift += (delta < 0 ? -delta : delta) * ((x < 0 ? -x : x) + (old < 0 ? -old : old));
    }
    this.window[head] = x;
    this.head = head + 1 === this.period ? 0 : head + 1;
    // Re-sum on schedule, and at once when the variance has become small next to the magnitudes
    // slid through it (a spike leaving the window, flat candles after a halt): its rounding error
    // (~1e-16 × drift) could then be more than 1e-7 of it.
    if (++this.sinceResum === this.resumEvery || this.m2 < 1e-9 * this.drift) this.resum();
    if (this.count < this.period) return NaN;
    const sd = (this.stdDev = Math.sqrt(this.m2 / this.period));
    this.upper = this.mean + this.mult * sd;
    this.lower = this.mean - this.mult * sd;
    return (this.middle = this.mean);
  }

  private resum(): void {
    const n = this.count;
    let s = 0;
    for (let i = 0; i < n; i++) s += this.window[i]!;
    const mean = s / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) m2 += (this.window[i]! - mean) ** 2;
    this.mean = mean;
    this.m2 = m2;
    this.drift = 0;
    this.sinceResum = 0;
  }
}

export interface BollingerSeries {
  upper: number[];
  middle: number[];
  lower: number[];
}

/** Batch Bollinger bands: three aligned arrays, NaN while warming up. Same numbers as `Bollinger`. */
export function bollinger(values: readonly number[], period = 20, mult = 2): BollingerSeries {
  const b = new Bollinger(period, mult);
  const out: BollingerSeries = { upper: [], middle: [], lower: [] };
  for (const v of values) {
    b.update(v);
    out.upper.push(b.upper);
    out.middle.push(b.middle);
    out.lower.push(b.lower);
  }
  return out;
}
