import type { Instrument, OrderBook } from '@cab/domain';
import type { BalanceDTO, TickerDTO } from '../ports/broker';
import type { VenueCapabilities } from '../ports/venue-capabilities';

/**
 * What the TradingCore reads of the venue while it decides, with no await: the pair's rules, the
 * balances and the book as the driver last saw them. The core never sends through it: an order
 * leaves as a PlaceOrder command and its answer comes back as an OrderReport event (docs/core.md,
 * "Shape"). A backtest's SimulatedVenue answers from its own books; a live driver will answer
 * from what its adapter last read.
 */
export interface VenueView {
  readonly name: string;
  /** The venue's declared behaviour: the core derives client order ids in its format. */
  readonly capabilities: VenueCapabilities;
  /** The pair's precision, limits and fee; null when the venue does not trade it. */
  instrument(symbol: string): Instrument | null;
  /** Free and used base and quote now; null when unknown. */
  balance(symbol: string): BalanceDTO | null;
  /** The book (for the slippage rule), `depth` levels a side; null when there is no market. */
  book(symbol: string, depth: number): OrderBook | null;
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
