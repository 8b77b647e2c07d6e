import type { Decimal, OrderStatus, Side } from '@cab/domain';

export type OrderType = 'market' | 'limit';

/**
 * An order as the bot remembers it. `clientOrderId` is ours and unique: it is written before the
 * order is sent (docs/lessons.md #3) and is how an order with an unknown outcome is found again.
 * `exchange` is the broker's name ("paper", "gate"), so paper and live history never mix.
 */
export interface OrderRecord {
  clientOrderId: string;
  exchange: string;
  exchangeOrderId: string | null;
  symbol: string;
  side: Side;
  type: OrderType;
  /** What was asked: quote for a market buy, base for a sell. */
  requestedQuote: Decimal | null;
  requestedBase: Decimal | null;
  status: OrderStatus;
  /** Gross base filled (before a base-currency fee). */
  filledBase: Decimal;
  filledQuote: Decimal;
  averagePrice: Decimal | null;
  fee: Decimal;
  feeCurrency: string | null;
  /** The idempotency key reserved for this order, if any. */
  idempotencyKey: string | null;
  /** Why the bot placed it: "signal: ema cross", "exit: trailing stop", "adopted". */
  reason: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Fields that change over an order's life. `updatedAt` is required: the caller's clock decides. */
export interface OrderPatch {
  exchangeOrderId?: string | null;
  status?: OrderStatus;
  filledBase?: Decimal;
  filledQuote?: Decimal;
  averagePrice?: Decimal | null;
  fee?: Decimal;
  feeCurrency?: string | null;
  reason?: string | null;
  updatedAt: number;
}

export type OrderInsertResult = { ok: true } | { ok: false; code: 'ORDER.DUPLICATE_CLIENT_ID' | 'ORDER.DUPLICATE_EXCHANGE_ID'; message: string };

export interface OrderQuery {
  symbol?: string;
  statuses?: readonly OrderStatus[];
  /** Only orders created at or after this time (epoch ms). */
  since?: number;
  /** Newest first; default 100. */
  limit?: number;
}

export interface OrdersRepository {
  /** A duplicate client (or exchange) order id is an expected outcome, not an exception. */
  insert(order: OrderRecord): Promise<OrderInsertResult>;
  /**
   * Applies `patch`; with `expectedStatus`, only if the stored status is still that one (a
   * compare-and-set, so two loops never both move an order). Returns the updated order, or null
   * when the order is unknown or its status had moved on.
   */
  update(clientOrderId: string, patch: OrderPatch, expectedStatus?: OrderStatus): Promise<OrderRecord | null>;
  byClientOrderId(clientOrderId: string): Promise<OrderRecord | null>;
  byExchangeOrderId(exchange: string, exchangeOrderId: string): Promise<OrderRecord | null>;
  /** Orders not yet terminal (new, submitted, in_flight, partial): what reconciliation must settle. */
  open(symbol?: string): Promise<OrderRecord[]>;
  find(query?: OrderQuery): Promise<OrderRecord[]>;
}
