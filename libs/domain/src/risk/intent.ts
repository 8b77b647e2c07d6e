import { ZERO, divide, type Decimal } from '../money/decimal';
import type { Ticker } from '../market/types';
import type { TradeIntent } from './types';

/**
 * A long-only spot bot opens or grows a position only by buying: a buy that is not reduce-only is
 * an entry; every sell reduces. Entry-only rules never block anything else.
 */
export function isEntry(intent: TradeIntent): boolean {
  return intent.side === 'buy' && intent.reduceOnly !== true;
}

/** The order's size in base: baseAmount, or quoteAmount at the ask (a buy) or the bid (a sell). */
export function intentBase(intent: TradeIntent, ticker: Pick<Ticker, 'bid' | 'ask'>): Decimal {
  if (intent.baseAmount !== undefined) return intent.baseAmount;
  const price = intent.side === 'buy' ? ticker.ask : ticker.bid;
  if (intent.quoteAmount === undefined || price.lte(ZERO)) return ZERO;
  return divide(intent.quoteAmount, price);
}
