import type { Decimal } from '@cab/domain';
import type { BrokerResult, OrderDTO } from '../ports/broker';
import type { VenueView } from './venue-view';

/**
 * A venue that answers an order in the same call: the backtest's SimulatedVenue (libs/infrastructure,
 * paper matching). The TradingCore never calls these: SyncDriver carries its PlaceOrder commands
 * out to them and hands each answer back to the core as an OrderReport in the same turn. A live
 * venue cannot answer in the same call; its driver enqueues the answer instead (docs/core.md).
 */
export interface SyncVenue extends VenueView {
  /** A market buy spending `quote`, answered with its fills (or refused). */
  marketBuyQuote(symbol: string, quote: Decimal, clientOrderId: string): BrokerResult<OrderDTO>;
  /** A market sell of `base`, answered with its fills (or refused). */
  marketSellBase(symbol: string, base: Decimal, clientOrderId: string): BrokerResult<OrderDTO>;
}
