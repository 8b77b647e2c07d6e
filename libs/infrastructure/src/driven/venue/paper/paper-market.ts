import { dec, type Clock, type DecimalInput, type OrderBook, type Ticker } from '@cab/domain';

/**
 * Where the paper broker gets its prices. A market-data source (replayed candles, the exchange's
 * public API, a synthetic walk) implements this; the broker only reads. Keep it this small.
 *
 * `book` may return null: the broker then synthesizes a deterministic book around the ticker
 * (see synthetic-book.ts). When `ticker` returns null there is no market: the broker answers
 * `retryable` NO_MARKET_DATA and nothing happens.
 */
export interface PaperMarket {
  ticker(symbol: string): Promise<Ticker | null>;
  book(symbol: string): Promise<OrderBook | null>;
}

/** Default spread of `SettableMarket.setPrice`: 2 bps, about BTC/USDT's on Gate. */
export const DEFAULT_SPREAD = '0.0002';

type Level = readonly [price: DecimalInput, amount: DecimalInput];

/**
 * A market you set by hand, for tests and demos: a price (with a spread), a full ticker, or an
 * explicit book. Each quote is stamped with the clock's time when it is set.
 */
export class SettableMarket implements PaperMarket {
  private readonly tickers = new Map<string, Ticker>();
  private readonly books = new Map<string, OrderBook>();

  constructor(private readonly clock: Clock) {}

  /** bid = price × (1 − spread/2), ask = price × (1 + spread/2), last = price. Drops any explicit book. */
  setPrice(symbol: string, price: DecimalInput, spread: DecimalInput = DEFAULT_SPREAD): this {
    const p = dec(price);
    const half = dec(spread).div('2');
    this.books.delete(symbol);
    this.tickers.set(symbol, { symbol, bid: p.times(dec('1').minus(half)), ask: p.times(dec('1').plus(half)), last: p, ts: this.clock.now() });
    return this;
  }

  /** An exact ticker. Drops any explicit book. */
  setTicker(symbol: string, t: { bid: DecimalInput; ask: DecimalInput; last: DecimalInput }): this {
    this.books.delete(symbol);
    this.tickers.set(symbol, { symbol, bid: dec(t.bid), ask: dec(t.ask), last: dec(t.last), ts: this.clock.now() });
    return this;
  }

  /**
   * An explicit book (bids best first, asks best first). The ticker follows its best levels;
   * `last` is their mid, or the one side present.
   */
  setBook(symbol: string, book: { bids: readonly Level[]; asks: readonly Level[] }): this {
    const toLevels = (xs: readonly Level[]) => xs.map(([price, amount]) => ({ price: dec(price), amount: dec(amount) }));
    const ts = this.clock.now();
    const bids = toLevels(book.bids);
    const asks = toLevels(book.asks);
    this.books.set(symbol, { symbol, bids, asks, ts });
    const bid = bids[0]?.price ?? dec('0');
    const ask = asks[0]?.price ?? dec('0');
    const last = bid.gt('0') && ask.gt('0') ? bid.plus(ask).div('2') : bid.gt('0') ? bid : ask;
    this.tickers.set(symbol, { symbol, bid, ask, last, ts });
    return this;
  }

  /** No market for the symbol any more. */
  clear(symbol: string): this {
    this.tickers.delete(symbol);
    this.books.delete(symbol);
    return this;
  }

  async ticker(symbol: string): Promise<Ticker | null> {
    return this.tickers.get(symbol) ?? null;
  }

  async book(symbol: string): Promise<OrderBook | null> {
    return this.books.get(symbol) ?? null;
  }
}
