import type { Decimal, Instrument, OrderBook } from '@cab/domain';
import type { BalanceDTO, BrokerResult, OrderDTO, TickerDTO } from '../ports/broker';

/**
 * A venue that answers in the same call: what the TradingCore needs to decide and to trade, with
 * no await anywhere. The backtest's SimulatedVenue (libs/infrastructure, paper matching) implements
 * it. A live venue cannot: there the core will emit PlaceOrder commands and take the answers back
 * as events (docs/core.md).
 */
export interface SyncVenue {
  readonly name: string;
  /** The pair's precision, limits and fee; null when the venue does not trade it. */
  instrument(symbol: string): Instrument | null;
  /** Free and used base and quote now; null when unknown. */
  balance(symbol: string): BalanceDTO | null;
  /** The book (for the slippage rule), `depth` levels a side; null when there is no market. */
  book(symbol: string, depth: number): OrderBook | null;
  /** A market buy spending `quote`, answered with its fills (or refused). */
  marketBuyQuote(symbol: string, quote: Decimal, clientOrderId: string): BrokerResult<OrderDTO>;
  /** A market sell of `base`, answered with its fills (or refused). */
  marketSellBase(symbol: string, base: Decimal, clientOrderId: string): BrokerResult<OrderDTO>;
}

/**
 * The quote after a closed candle, as the core reads it: the exact ticker, built only when a
 * decision needs it (most candles need none), and the bid as a float for the exits' pre-check.
 */
export interface CandleQuote {
  /**
   * The bid as a float, within a few ulps of `ticker().bid`. The core skips an exact exit check
   * with it only when the bid is more than 1e-9 (relative) away from every level that could change
   * the outcome (see TradingCore.exitCannotMove), so a float error cannot change a decision.
   */
  readonly bidApprox: number;
  /** The exact ticker; the same object for every call on one candle. */
  ticker(): TickerDTO;
}
