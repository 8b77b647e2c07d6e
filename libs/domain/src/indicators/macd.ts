import { Ema } from './ema';
import { checkPeriod } from './period';

export interface MacdParams {
  fast: number;
  slow: number;
  signal: number;
}

export const MACD_DEFAULTS: Readonly<MacdParams> = { fast: 12, slow: 26, signal: 9 };

/**
 * MACD: macd = EMA(fast) − EMA(slow); signal = EMA(signal) of macd; histogram = macd − signal.
 * The macd line appears at index slow − 1, the signal and histogram signal − 1 values later.
 * `update` returns the macd line and refreshes the three fields without allocating.
 */
export class Macd {
  readonly params: Readonly<MacdParams>;
  macd = NaN;
  signal = NaN;
  histogram = NaN;
  private readonly fastEma: Ema;
  private readonly slowEma: Ema;
  private readonly signalEma: Ema;

  constructor(params: Partial<MacdParams> = {}) {
    const p = { ...MACD_DEFAULTS, ...params };
    checkPeriod('Macd.fast', p.fast);
    checkPeriod('Macd.slow', p.slow);
    checkPeriod('Macd.signal', p.signal);
    if (p.fast >= p.slow) throw new RangeError(`Macd: fast (${p.fast}) must be < slow (${p.slow})`);
    this.params = p;
    this.fastEma = new Ema(p.fast);
    this.slowEma = new Ema(p.slow);
    this.signalEma = new Ema(p.signal);
  }

  get ready(): boolean {
    return this.signalEma.ready;
  }

  update(x: number): number {
    const fast = this.fastEma.update(x);
    const slow = this.slowEma.update(x);
    if (!this.slowEma.ready) return NaN;
    const m = (this.macd = fast - slow);
    const s = (this.signal = this.signalEma.update(m));
    this.histogram = m - s;
    return m;
  }
}

export interface MacdSeries {
  macd: number[];
  signal: number[];
  histogram: number[];
}

/** Batch MACD: three aligned arrays, NaN while warming up. Same numbers as `Macd`. */
export function macd(values: readonly number[], params: Partial<MacdParams> = {}): MacdSeries {
  const m = new Macd(params);
  const out: MacdSeries = { macd: [], signal: [], histogram: [] };
  for (const v of values) {
    m.update(v);
    out.macd.push(m.macd);
    out.signal.push(m.signal);
    out.histogram.push(m.histogram);
  }
  return out;
}
