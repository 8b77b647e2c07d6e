import type { VenueCapabilities } from './venue-capabilities';
import { err, type Decimal, type Instrument, type OrderBook, type Result, type Side } from '@cab/domain';

/**
 * The Broker port: the one contract PaperVenue and GateVenue both honour, so paper and live
 * differ only in which adapter is wired in. Amounts are decimals; symbols are unified ("BTC/USDT").
 *
 * Expected failures are values (BrokerResult), never exceptions. An exception from a broker is
 * a bug. Failures are classified once, inside each adapter:
 *  - rejected:  the venue said no (min size, precision, balance, unknown order). Safe to report.
 *  - retryable: nothing happened (429, 5xx on a read). Adapters retry reads and cancels themselves;
 *               order creation is never retried (docs/lessons.md #2).
 *  - ambiguous: the request may have reached the venue and the outcome is unknown (timeout or 5xx
 *               on create, a lost response). The order stays in_flight; reconciliation settles it by
 *               client order id.
 *  - fatal:     authentication or configuration is wrong; halt trading.
 */
export type BrokerError =
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'retryable'; code: string; message: string; retryAfterMs?: number }
  | { kind: 'ambiguous'; code: string; message: string }
  /**
   * `refusal`: the venue refused to authenticate a signed call — `auth` (key, secret, IP or
   * permissions) or `clock` (our request time too far from the venue's): halts BROKER.AUTH /
   * BROKER.CLOCK instead of looking like a reconcile mismatch.
   */
  | { kind: 'fatal'; code: string; message: string; refusal?: BrokerRefusal };

export type BrokerRefusal = 'auth' | 'clock';

/** A broker answer: the value, or a classified BrokerError (the domain's one Result shape). */
export type BrokerResult<T> = Result<T, BrokerError>;

export interface TickerDTO {
  symbol: string;
  bid: Decimal;
  ask: Decimal;
  last: Decimal;
  /** Exchange time of the quote, epoch ms. */
  ts: number;
}

/** Balances of the symbol's two currencies. */
export interface BalanceDTO {
  symbol: string;
  base: string;
  quote: string;
  freeBase: Decimal;
  freeQuote: Decimal;
  usedBase: Decimal;
  usedQuote: Decimal;
}

export type BrokerOrderStatus = 'open' | 'closed' | 'canceled' | 'rejected';

/** One execution. `id` is the venue's trade id: fills are deduplicated by it (docs/lessons.md #11). */
export interface FillDTO {
  id: string;
  orderId: string;
  ts: number;
  side: Side;
  price: Decimal;
  /** Base amount traded (before fees). */
  amount: Decimal;
  /** Quote value price × amount. */
  cost: Decimal;
  fee: Decimal;
  feeCurrency: string;
}

/**
 * An order as the venue reports it. `filledBase`/`filledQuote` are the truth: Gate reports a
 * filled IOC market buy as "cancelled" (docs/lessons.md #12), so status alone never decides a fill.
 */
export interface OrderDTO {
  id: string;
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  type: 'market' | 'limit';
  status: BrokerOrderStatus;
  /** What was asked: quote for a market buy, base for a sell. */
  requestedQuote: Decimal | null;
  requestedBase: Decimal | null;
  /** Gross base amount filled (before a base-currency fee is taken off). */
  filledBase: Decimal;
  /** Quote spent (buy) or received before fees (sell). */
  filledQuote: Decimal;
  averagePrice: Decimal | null;
  /** Total fee and its currency: base for Gate buys, quote for sells. Zero with currency null when none. */
  fee: Decimal;
  feeCurrency: string | null;
  createdAt: number;
  updatedAt: number;
  /** Executions, when the venue returned them with the order (the paper broker always does). */
  fills: FillDTO[];
}

export type OrderRef = { id: string } | { clientOrderId: string };

export interface Broker {
  /** Name for logs, health and metrics: "paper", "gate". */
  readonly name: string;
  /** What this venue does that callers must not assume (client id format, lookup window, …). */
  readonly capabilities: VenueCapabilities;
  /** Market metadata: precision, minimums and fees. Loaded once and cached by the adapter. */
  instrument(symbol: string): Promise<BrokerResult<Instrument>>;
  fetchTicker(symbol: string): Promise<BrokerResult<TickerDTO>>;
  fetchOrderBook(symbol: string, depth?: number): Promise<BrokerResult<OrderBook>>;
  fetchBalance(symbol: string): Promise<BrokerResult<BalanceDTO>>;
  /** Market buy spending `quoteAmount` of the quote currency. */
  createMarketBuyQuote(symbol: string, quoteAmount: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>>;
  /** Market sell of `baseAmount` of the base currency. */
  createMarketSellBase(symbol: string, baseAmount: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>>;
  fetchOrder(symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>>;
  fetchOpenOrders(symbol: string): Promise<BrokerResult<OrderDTO[]>>;
  /** Our fills for the symbol since `sinceMs` (for reconciliation and adoption). */
  fetchMyTrades(symbol: string, sinceMs?: number): Promise<BrokerResult<FillDTO[]>>;
  /**
   * Cancels ONE order, by exchange id or client order id, and answers it as the venue reports it:
   * `canceled` with what filled before the cancel. An order that had already finished (filled, or
   * canceled before) is no error: the answer is its final state, as fetchOrder reads it (Gate says
   * ORDER_CLOSED; the adapter reads the order back), so a cancel retried after a lost answer, or one
   * that raced a fill, tells the caller what really happened. An unknown order is rejected ORDER_NOT_FOUND.
   */
  cancelOrder(symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>>;
  /** Cancels every open order of the symbol (the dead man's switch does the same at the venue). */
  cancelAllOrders(symbol: string): Promise<BrokerResult<OrderDTO[]>>;
  /** Releases sockets and timers. */
  close(): Promise<void>;
}

/** The domain's `ok`, re-exported so adapters keep importing it from the port. */
export { ok } from '@cab/domain';
/** `err` typed to BrokerError (so object literals keep their `kind` literal); kept so adapters need no churn. */
export const fail = <T = never>(error: BrokerError): BrokerResult<T> => err(error);
