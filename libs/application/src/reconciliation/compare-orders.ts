import type { OrderStatus } from '@cab/domain';
import type { BrokerResult, OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';

export type OrderLookup =
  /** The venue knows the order: apply what it says. */
  | { kind: 'settle'; venue: OrderDTO }
  /** Not found yet, but young enough that the request may still be on its way: look again later. */
  | { kind: 'wait'; ageMs: number }
  /** Not found after the grace period: it never reached the venue. Close it locally. */
  | { kind: 'close'; status: Extract<OrderStatus, 'rejected' | 'canceled'>; detail: string }
  /** The lookup itself failed (network, 429): nothing is concluded. */
  | { kind: 'error'; detail: string };

/** A "no such order" answer, whatever the adapter's exact code (Gate: ORDER_NOT_FOUND, CLIENT_ID_NOT_FOUND). */
export function isNotFound(r: BrokerResult<unknown>): boolean {
  return !r.ok && r.error.kind === 'rejected' && /NOT_FOUND/i.test(r.error.code);
}

/**
 * What one lookup by client order id means for a local order that is not terminal. Pure.
 * `graceMs` is how long an unseen order may still be in transit (a few request timeouts).
 */
export function classifyLookup(local: OrderRecord, lookup: BrokerResult<OrderDTO>, now: number, graceMs: number): OrderLookup {
  if (lookup.ok) return { kind: 'settle', venue: lookup.value };
  if (!isNotFound(lookup)) return { kind: 'error', detail: `${lookup.error.kind} ${lookup.error.code}: ${lookup.error.message}` };
  const ageMs = now - local.updatedAt;
  if (ageMs < graceMs) return { kind: 'wait', ageMs };
  // new / in_flight never acknowledged: refused in effect. An acknowledged one that vanished: canceled.
  const status = local.status === 'new' || local.status === 'in_flight' ? 'rejected' : 'canceled';
  return { kind: 'close', status, detail: `not found on the exchange ${Math.round(ageMs / 1000)} s after ${local.status}` };
}

/**
 * The venue order that is this local order, among those the venue showed (open orders, orders
 * behind recent trades), for a local order its own lookup no longer finds. Gate does not reject a
 * duplicate client order id (`text`), so a match must also be on the same side and, once we know
 * the exchange id, that very order; two venue orders with our client id are ambiguous and match
 * nothing. Pure.
 */
export function venueMatch(local: OrderRecord, venue: readonly OrderDTO[]): OrderDTO | null {
  const same = venue.filter(
    (o) => o.clientOrderId === local.clientOrderId && o.side === local.side && (local.exchangeOrderId === null || o.id === local.exchangeOrderId),
  );
  const ids = new Set(same.map((o) => o.id));
  return ids.size === 1 ? (same[0] as OrderDTO) : null;
}

/** Venue orders no local row knows (by client order id or exchange id): to adopt. Pure. */
export function unknownOrders(venue: readonly OrderDTO[], knownClientIds: ReadonlySet<string>, knownExchangeIds: ReadonlySet<string>): OrderDTO[] {
  return venue.filter((o) => !knownExchangeIds.has(o.id) && !(o.clientOrderId !== null && knownClientIds.has(o.clientOrderId)));
}

/** The client order id an adopted order is stored under: ours when it looks like one, else derived from the exchange id. */
export function adoptedClientOrderId(o: OrderDTO): string {
  return o.clientOrderId && /^t-[0-9A-Za-z_.-]{1,28}$/.test(o.clientOrderId) ? o.clientOrderId : `adopted-${o.id}`;
}
