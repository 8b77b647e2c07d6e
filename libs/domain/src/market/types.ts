import { ZERO, dec, divide, type Decimal } from '../money/decimal';

const HALF = dec('0.5');

/** Best bid/ask and last trade price at `ts` (epoch ms). Prices are decimals. */
export interface Ticker {
  readonly symbol: string;
  readonly bid: Decimal;
  readonly ask: Decimal;
  readonly last: Decimal;
  readonly ts: number;
}

/**
 * One OHLCV bar. Candles feed indicators, which run on float64, so the fields are numbers:
 * they never become an order price or an amount without going through `Instrument.price`.
 */
export interface Candle {
  /** Open time, epoch ms. */
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Base-asset volume. */
  readonly volume: number;
}

/** One price level: price and base amount. */
export interface BookLevel {
  readonly price: Decimal;
  readonly amount: Decimal;
}

/** Bids best (highest) first, asks best (lowest) first. */
export interface OrderBook {
  readonly symbol: string;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly ts: number;
}

export type Side = 'buy' | 'sell';

/** Mid price of a ticker: (bid + ask) / 2. */
export function mid(t: Pick<Ticker, 'bid' | 'ask'>): Decimal {
  // Halving is exact as a product; a division would run to 24 places (and cost as much).
  return t.bid.plus(t.ask).times(HALF);
}

/** Relative spread (ask − bid) / mid; 0 when the book is crossed or empty. */
export function spreadPct(t: Pick<Ticker, 'bid' | 'ask'>): Decimal {
  const m = mid(t);
  if (m.lte(ZERO) || t.ask.lte(t.bid)) return ZERO;
  return divide(t.ask.minus(t.bid), m);
}
