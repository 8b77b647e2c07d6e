import { dec, quantize, str, ZERO, type Decimal } from '@cab/domain';
import type { CsvCandle } from './candles';
import type { Pair } from './markets';

export interface BookLevelText {
  price: string;
  amount: string;
}

/** A candle on the emulator's own timeline (open time rebased so the current candle is "now"). */
export interface LiveCandle {
  ts: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
  closed: boolean;
}

export interface BookShape {
  /** Half the spread, in basis points of the price. */
  halfSpreadBps: number;
  /** Distance between levels, in basis points. */
  levelStepBps: number;
  levels: number;
  /** Base amount of the first level in quote value; level i holds (i + 1) times it. */
  levelQuoteValue: string;
}

export const DEFAULT_BOOK: BookShape = { halfSpreadBps: 1, levelStepBps: 5, levels: 10, levelQuoteValue: '5000' };

const MINUTE = 60_000;

/**
 * Where a pair's price comes from: a candle file replayed one candle per `stepMs` of the clock
 * (or advanced by hand), or a price set by a test. Candle times are rebased so the current candle
 * opens at the current minute: a bot that rejects stale data sees fresh candles.
 */
export class PriceFeed {
  private fixed: Decimal | null;
  private manualOffset = 0;
  private readonly startedAt: number;

  constructor(
    readonly pair: Pair,
    private readonly now: () => number,
    private readonly candles: CsvCandle[] | null,
    opts: { price?: string; stepMs?: number; startIndex?: number; book?: BookShape } = {},
  ) {
    this.fixed = opts.price !== undefined ? dec(opts.price) : null;
    if (!candles && !this.fixed) throw new Error(`${pair.id}: needs candles or a price`);
    this.stepMs = opts.stepMs ?? MINUTE;
    // Default: the middle of the file, so there is history behind "now" and replay ahead of it.
    this.startIndex = opts.startIndex ?? (candles ? Math.floor(candles.length / 2) : 0);
    this.book = opts.book ?? DEFAULT_BOOK;
    this.startedAt = now();
  }

  private readonly stepMs: number;
  private readonly startIndex: number;
  book: BookShape;

  /** Sets a fixed price (a test's lever); `null` goes back to the candles. */
  setPrice(price: string | null): void {
    if (price === null && !this.candles) throw new Error(`${this.pair.id}: no candles to return to`);
    this.fixed = price === null ? null : dec(price);
  }

  /** Moves the candle replay forward by `n` candles. */
  advance(n = 1): void {
    this.manualOffset += n;
  }

  /** Index of the current candle (stepMs = 0 stops the wall-time replay: manual only). */
  index(): number {
    if (!this.candles) return 0;
    const elapsed = this.stepMs > 0 ? Math.floor((this.now() - this.startedAt) / this.stepMs) : 0;
    return Math.min(this.candles.length - 1, this.startIndex + elapsed + this.manualOffset);
  }

  price(): Decimal {
    if (this.fixed) return this.fixed;
    return quantize(dec(this.current().close), this.pair.priceTick, 'nearest');
  }

  private current(): CsvCandle {
    const c = this.candles?.[this.index()];
    if (!c) throw new Error('no candle');
    return c;
  }

  /** The last `limit` one-minute candles up to now, current one last (not closed). */
  minuteCandles(limit: number): LiveCandle[] {
    const nowMinute = Math.floor(this.now() / MINUTE) * MINUTE;
    if (this.fixed || !this.candles) {
      const p = this.price();
      return Array.from({ length: limit }, (_, k) => ({
        ts: nowMinute - (limit - 1 - k) * MINUTE,
        open: p,
        high: p,
        low: p,
        close: p,
        volume: dec('0'),
        closed: k < limit - 1,
      }));
    }
    const cur = this.index();
    const first = Math.max(0, cur - limit + 1);
    const out: LiveCandle[] = [];
    for (let i = first; i <= cur; i++) {
      const c = this.candles[i] as CsvCandle;
      out.push({
        ts: nowMinute - (cur - i) * MINUTE,
        open: dec(c.open),
        high: dec(c.high),
        low: dec(c.low),
        close: dec(c.close),
        volume: dec(c.volume),
        closed: i < cur,
      });
    }
    return out;
  }

  /** A book around the price: `levels` levels a side, growing depth, so a big order walks it. */
  orderBook(): { bids: BookLevelText[]; asks: BookLevelText[] } {
    const p = this.price();
    const tick = this.pair.priceTick;
    const bps = (n: number): Decimal => p.times(dec(String(n))).div(dec('10000'));
    const bids: BookLevelText[] = [];
    const asks: BookLevelText[] = [];
    const unit = dec(this.book.levelQuoteValue).div(p);
    for (let i = 0; i < this.book.levels; i++) {
      const off = bps(this.book.halfSpreadBps + i * this.book.levelStepBps);
      let ask = quantize(p.plus(off), tick, 'up');
      let bid = quantize(p.minus(off), tick, 'down');
      // keep at least one tick between levels even on coarse ticks
      const prevAsk = asks[i - 1];
      const prevBid = bids[i - 1];
      if (prevAsk && ask.lte(dec(prevAsk.price))) ask = dec(prevAsk.price).plus(tick);
      if (prevBid && bid.gte(dec(prevBid.price))) bid = dec(prevBid.price).minus(tick);
      if (i === 0 && ask.eq(bid)) ask = ask.plus(tick);
      const amount = quantize(unit.times(dec(String(i + 1))), this.pair.amountStep, 'down');
      asks.push({ price: str(ask), amount: str(amount) });
      if (bid.gt(ZERO)) bids.push({ price: str(bid), amount: str(amount) });
    }
    return { bids, asks };
  }
}
