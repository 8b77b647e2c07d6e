import type { Decimal } from '../money/decimal';
import type { Side } from '../market/types';
import type { OrderStatus } from './status';
import type { VenueStatus } from './venue-event';

export type OrderType = 'market' | 'limit';

/**
 * One of our orders: what its life decides on. `clientOrderId` is ours, written before the order is
 * sent; `exchangeOrderId` comes with the venue's first answer. Filled amounts are gross (before a
 * base-currency fee) and only ever grow. Times are the caller's clock (epoch ms).
 */
export interface Order {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  /** What was asked: quote for a market buy, base for a sell. */
  readonly requestedQuote: Decimal | null;
  readonly requestedBase: Decimal | null;
  readonly status: OrderStatus;
  readonly filledBase: Decimal;
  readonly filledQuote: Decimal;
  readonly averagePrice: Decimal | null;
  /** Total fee so far and the venue's currency code for it ("BTC", "USDT", "GT"); null while none. */
  readonly fee: Decimal;
  readonly feeCurrency: string | null;
  readonly exchangeOrderId: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What the venue said about the order: its whole state as of that look (totals, not increments). */
export interface VenueAnswer {
  readonly kind: 'answer';
  /** The venue's order id. */
  readonly id: string;
  readonly status: VenueStatus;
  readonly requestedQuote: Decimal | null;
  readonly requestedBase: Decimal | null;
  readonly filledBase: Decimal;
  readonly filledQuote: Decimal;
  readonly averagePrice: Decimal | null;
  readonly fee: Decimal;
  readonly feeCurrency: string | null;
}

/** We asked and got no answer (timeout, 5xx, lost response): the outcome is unknown, never re-sent. */
export interface NoAnswer {
  readonly kind: 'no_answer';
}

export type OrderObservation = VenueAnswer | NoAnswer;

export type OrderLifecycleEventType = 'order.accepted' | 'order.partially_filled' | 'order.filled' | 'order.canceled' | 'order.rejected' | 'order.in_flight';

/** One transition of an order's status, as a domain fact, in the order it happened. */
export interface OrderLifecycleEvent {
  readonly type: OrderLifecycleEventType;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  readonly ts: number;
}

/** The event type of arriving in a status (`new` is never arrived in). */
export const LIFECYCLE_EVENT_OF: Readonly<Record<Exclude<OrderStatus, 'new'>, OrderLifecycleEventType>> = {
  submitted: 'order.accepted',
  partial: 'order.partially_filled',
  filled: 'order.filled',
  canceled: 'order.canceled',
  rejected: 'order.rejected',
  in_flight: 'order.in_flight',
};
