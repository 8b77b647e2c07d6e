import { approx, MS, utcDayStart, type Decimal } from '@cab/domain';

export interface EquityPoint {
  ts: number;
  /** Equity in quote, as decimal text. */
  equity: string;
  /** The market price at that time (for the chart; float is fine there). */
  price: number;
}

/**
 * The equity at the last step recorded on one UTC day. Steps are stamped at candle closes, so a
 * step at exactly 00:00 closes the day before (its candle's day): a backtest of one day of
 * candles has one daily close, not a second one at the next midnight.
 */
export interface DailyClose {
  /** Start of the UTC day, epoch ms. */
  day: number;
  /** Time of that last step. */
  ts: number;
  /** Equity in quote, as decimal text. */
  equity: string;
}

/**
 * Samples the equity curve of a run in constant memory: every step is offered, at most
 * `maxPoints`–2×`maxPoints` are kept. When the buffer fills, every other point is dropped and the
 * stride doubles, so a year of one-minute candles costs the same memory as a day. The last point
 * offered is always kept (the final equity must be exact), and time-in-market is counted on every
 * step, not on the samples. The equity at the last step of every UTC day is kept as well (a year
 * is 365 points): the daily returns of the report's Sharpe, Sortino and Calmar and its day, week
 * and month breakdowns are exact, not read off the thinned curve.
 */
export class EquityRecorder {
  private readonly points: EquityPoint[] = [];
  private stride = 1;
  private seen = 0;
  private steps = 0;
  private inMarket = 0;
  // The last point offered, kept unformatted and possibly uncomputed: most points are never
  // sampled, so equity is worked out and formatted only for those that are (a year of one-minute
  // steps would otherwise value and format half a million points).
  private last: { ts: number; equity: Decimal | (() => Decimal); price: number } | null = null;
  private readonly days: DailyClose[] = [];
  /** Start of the UTC day after the last step's: a step in it or later closes the last step's day. */
  private nextDay = Number.NEGATIVE_INFINITY;

  constructor(private readonly maxPoints = 2_000) {
    if (maxPoints < 2) throw new RangeError('maxPoints must be >= 2');
  }

  /**
   * `equity` may be a function, called only if this point is kept (sampled, or the last one): it
   * must capture the step's values, not read state that changes later. `price` is for the chart
   * only: a float is fine (a Decimal is converted).
   */
  record(ts: number, equity: Decimal | (() => Decimal), price: Decimal | number, holding: boolean): void {
    this.steps += 1;
    if (holding) this.inMarket += 1;
    const p = typeof price === 'number' ? price : approx(price);
    if (ts > this.nextDay) {
      const prev = this.last;
      if (prev) this.days.push({ day: dayOf(prev.ts), ts: prev.ts, equity: valueOf(prev.equity).toFixed() });
      this.nextDay = dayOf(ts) + MS.day;
    }
    this.last = { ts, equity, price: p };
    if (this.seen++ % this.stride !== 0) return;
    this.points.push({ ts, equity: valueOf(equity).toFixed(), price: p });
    if (this.points.length >= 2 * this.maxPoints) {
      let w = 0;
      for (let r = 0; r < this.points.length; r += 2) this.points[w++] = this.points[r] as EquityPoint;
      this.points.length = w;
      this.stride *= 2;
    }
  }

  /** The sampled curve, oldest first, ending with the last point recorded. */
  curve(): EquityPoint[] {
    const out = [...this.points];
    const last = this.last;
    if (last && out[out.length - 1]?.ts !== last.ts) out.push({ ts: last.ts, equity: valueOf(last.equity).toFixed(), price: last.price });
    return out;
  }

  /** The equity at each UTC day's last step, oldest first, ending with the day of the last step recorded. */
  dailyCloses(): DailyClose[] {
    const last = this.last;
    return last ? [...this.days, { day: dayOf(last.ts), ts: last.ts, equity: valueOf(last.equity).toFixed() }] : [...this.days];
  }

  /** Fraction of recorded steps spent holding a position. */
  exposure(): number {
    return this.steps === 0 ? 0 : this.inMarket / this.steps;
  }

  get stepCount(): number {
    return this.steps;
  }
}

/** The UTC day a step stamped at `ts` (a candle's close) belongs to: its candle's. */
export function dayOf(ts: number): number {
  return utcDayStart(ts - 1);
}

function valueOf(equity: Decimal | (() => Decimal)): Decimal {
  return typeof equity === 'function' ? equity() : equity;
}
