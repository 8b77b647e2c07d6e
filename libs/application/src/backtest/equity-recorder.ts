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
  // Points kept with their equity unvalued (a Decimal or the caller's function): the thinning below
  // drops half of them at every halving, so equity is worked out and formatted only for the points
  // still kept when the curve is read (a month of one-minute steps values ~4,000, not ~11,000).
  private readonly points: Point[] = [];
  private stride = 1;
  private seen = 0;
  private steps = 0;
  private inMarket = 0;
  /** The last point offered: always kept (the final equity must be exact). */
  private last: Point | null = null;
  /** The last step of each UTC day but the last step's, unvalued like the points. */
  private readonly days: Point[] = [];
  /** Start of the UTC day after the last step's: a step in it or later closes the last step's day. */
  private nextDay = Number.NEGATIVE_INFINITY;

  constructor(private readonly maxPoints = 2_000) {
    if (maxPoints < 2) throw new RangeError('maxPoints must be >= 2');
  }

  /**
   * `equity` may be a function, called only if this point is kept (sampled and not thinned out
   * later, a day's last step, or the last one) and only when the curve or the daily closes are
   * read: it must capture the step's values, not read state that changes later. `price` is for
   * the chart only: a float is fine (a Decimal is converted).
   */
  record(ts: number, equity: Decimal | (() => Decimal), price: Decimal | number, holding: boolean): void {
    this.steps += 1;
    if (holding) this.inMarket += 1;
    const p = typeof price === 'number' ? price : approx(price);
    if (ts > this.nextDay) {
      const prev = this.last;
      if (prev) this.days.push(prev);
      this.nextDay = dayOf(ts) + MS.day;
    }
    const point: Point = { ts, equity, price: p };
    this.last = point;
    if (this.seen++ % this.stride !== 0) return;
    this.points.push(point);
    if (this.points.length >= 2 * this.maxPoints) {
      let w = 0;
      for (let r = 0; r < this.points.length; r += 2) this.points[w++] = this.points[r] as Point;
      this.points.length = w;
      this.stride *= 2;
    }
  }

  /** The sampled curve, oldest first, ending with the last point recorded. */
  curve(): EquityPoint[] {
    const out = this.points.map(valued);
    const last = this.last;
    if (last && out[out.length - 1]?.ts !== last.ts) out.push(valued(last));
    return out;
  }

  /** The equity at each UTC day's last step, oldest first, ending with the day of the last step recorded. */
  dailyCloses(): DailyClose[] {
    const last = this.last;
    const all = last ? [...this.days, last] : this.days;
    return all.map((p) => ({ day: dayOf(p.ts), ts: p.ts, equity: equityText(p) }));
  }

  /** Fraction of recorded steps spent holding a position. */
  exposure(): number {
    return this.steps === 0 ? 0 : this.inMarket / this.steps;
  }

  get stepCount(): number {
    return this.steps;
  }
}

/** A step as recorded: the equity a Decimal, or the caller's function until first read. */
interface Point {
  readonly ts: number;
  equity: Decimal | (() => Decimal);
  readonly price: number;
}

/** The UTC day a step stamped at `ts` (a candle's close) belongs to: its candle's. */
export function dayOf(ts: number): number {
  return utcDayStart(ts - 1);
}

/** The point's equity as text; a function is called once (a point may be both sampled and a day's close). */
function equityText(p: Point): string {
  if (typeof p.equity === 'function') p.equity = p.equity();
  return p.equity.toFixed();
}

function valued(p: Point): EquityPoint {
  return { ts: p.ts, equity: equityText(p), price: p.price };
}
