import { approx, dec, MS, utcDayStart, ZERO, type Decimal } from '@cab/domain';

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
  // Points kept with their equity unvalued: the thinning below drops half of them at every
  // halving, so equity is worked out and formatted only for the points still kept when the curve
  // is read (a month of one-minute steps values ~2,000, not ~11,000). A step allocates nothing
  // unless it is sampled or closes a day: the last step lives in the fields below until then. (A
  // Point per step, most dying young but the sampled ones kept, taught V8 to allocate them all in
  // the old generation: a year's run then grew its heap by ~100 MB of garbage.)
  private readonly points: Point[] = [];
  private stride = 1;
  private seen = 0;
  private steps = 0;
  private inMarket = 0;
  /** The last step offered (always kept: the final equity must be exact); `lastTs` NaN before the first. */
  private lastTs = Number.NaN;
  private lastEquity: Decimal | (() => Decimal) = ZERO;
  private lastBase: Decimal | null = null;
  private lastMark = 0;
  private lastPrice = 0;
  /** The point made for the last step, if it was sampled (it may be thinned out of `points` since). */
  private lastMade: Point | null = null;
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
    this.step(ts, equity, null, 0, typeof price === 'number' ? price : approx(price), holding);
  }

  /**
   * A step whose equity is `cash` + `base` × `mark`, the mark a price read from decimal text (a
   * candle's close: `String(mark)` gives that text back), valued exactly only if the point is kept,
   * as `record` with a function — without a function per step. The mark is the chart's price too.
   */
  recordMarked(ts: number, cash: Decimal, base: Decimal, mark: number, holding: boolean): void {
    this.step(ts, cash, base, mark, mark, holding);
  }

  private step(ts: number, equity: Decimal | (() => Decimal), base: Decimal | null, mark: number, price: number, holding: boolean): void {
    this.steps += 1;
    if (holding) this.inMarket += 1;
    if (ts > this.nextDay) {
      if (!Number.isNaN(this.lastTs)) this.days.push(this.lastPoint());
      this.nextDay = dayOf(ts) + MS.day;
    }
    this.lastTs = ts;
    this.lastEquity = equity;
    this.lastBase = base;
    this.lastMark = mark;
    this.lastPrice = price;
    this.lastMade = null;
    if (this.seen++ % this.stride !== 0) return;
    this.points.push(this.lastPoint());
    if (this.points.length >= 2 * this.maxPoints) {
      let w = 0;
      for (let r = 0; r < this.points.length; r += 2) this.points[w++] = this.points[r] as Point;
      this.points.length = w;
      this.stride *= 2;
    }
  }

  /** The last step as a point: made once (a step may be sampled and close a day; two steps may share a time). */
  private lastPoint(): Point {
    return (this.lastMade ??= { ts: this.lastTs, equity: this.lastEquity, base: this.lastBase, mark: this.lastMark, price: this.lastPrice });
  }

  /** The sampled curve, oldest first, ending with the last point recorded. */
  curve(): EquityPoint[] {
    const out = this.points.map(valued);
    if (!Number.isNaN(this.lastTs) && out[out.length - 1]?.ts !== this.lastTs) out.push(valued(this.lastPoint()));
    return out;
  }

  /** The equity at each UTC day's last step, oldest first, ending with the day of the last step recorded. */
  dailyCloses(): DailyClose[] {
    const all = Number.isNaN(this.lastTs) ? this.days : [...this.days, this.lastPoint()];
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

/** A step as kept: its equity (or cash) unvalued until first read, then its text. */
interface Point {
  readonly ts: number;
  /** The equity, or the cash of a marked step; a function until called. */
  equity: Decimal | (() => Decimal);
  /** A marked step's base (equity = cash + base × mark); null otherwise. */
  readonly base: Decimal | null;
  readonly mark: number;
  readonly price: number;
  text?: string;
}

/** The UTC day a step stamped at `ts` (a candle's close) belongs to: its candle's. */
export function dayOf(ts: number): number {
  return utcDayStart(ts - 1);
}

/** The point's equity as text, worked out once (a point may be both sampled and a day's close). */
function equityText(p: Point): string {
  if (p.text === undefined) {
    const e = typeof p.equity === 'function' ? p.equity() : p.equity;
    p.text = (p.base === null || !p.base.gt(ZERO) ? e : e.plus(p.base.times(dec(String(p.mark))))).toFixed();
  }
  return p.text;
}

function valued(p: Point): EquityPoint {
  return { ts: p.ts, equity: equityText(p), price: p.price };
}
