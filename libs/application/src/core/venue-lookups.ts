import { fitsClientIdFormat, type ClientIdFormat } from '@cab/domain';

/**
 * What the core's reconcile assumes of how the venue answers lookups: Gate.io's rules, the weakest
 * of the venues supported, kept in this one module. Each adapter declares where its venue stands
 * against them as VenueCapabilities (ports/venue-capabilities.ts); the paper venues do better, and
 * what holds for Gate holds for them. The core reads the client id format, the not-found codes and
 * how long a lookup by client id works:
 *  - Gate answers a lookup by client order id (`text`) only while the order is open and about an
 *    hour after it finished; by exchange id much longer. An order we know the exchange id of is
 *    looked up by it, and an order we never heard back about is found through its trades.
 *  - Gate lists trades by finish time: an order it lists in a range finished inside it.
 *  - Gate does not reject a duplicate client order id: a venue order matches one of ours only on the
 *    same side (and the same exchange id once we know it), and two with our id match nothing.
 */

/** How far back a symbol never reconciled before reads the venue's trades. */
export const FIRST_TRADES_LOOKBACK_MS = 24 * 3_600_000;

/** Later passes read trades since the previous pass less this overlap (clocks and the venue's listing lag). */
export const TRADES_OVERLAP_MS = 60_000;

/** The look-back reaches this far before the oldest order of ours the venue never acknowledged (clocks differ a little). */
export const ORDER_LOOKBACK_MARGIN_MS = 60_000;

/** An order behind a trade that could not be fetched holds the cursor this far before its first trade. */
export const UNFETCHED_ORDER_MARGIN_MS = 1_000;

/** A symbol whose venue trades could not all be read for this long halts entries (RECONCILE.MISMATCH). */
export const UNREAD_TRADES_HALT_MS = 3_600_000;

/**
 * The client order id an adopted order is kept under: the venue's `text` when it is in the client id
 * format the venue declares for our orders (VenueCapabilities.clientOrderIds: Gate's `t-` and its
 * length), else derived from the exchange id — anything else was placed by someone else.
 */
export function adoptedClientOrderId(exchangeOrderId: string, clientOrderId: string | null, ours: ClientIdFormat): string {
  return clientOrderId && fitsClientIdFormat(clientOrderId, ours) ? clientOrderId : `adopted-${exchangeOrderId}`;
}

/**
 * Where a pass reads trades from: the symbol's cursor (or the first look-back), reaching back to
 * just before the oldest order of ours with no exchange id — after a downtime longer than the
 * first look-back, its trades are the only way to find it.
 */
export function tradesLookBack(cursor: number | null, startedAt: number, neverAcknowledgedCreatedAt: readonly number[]): number {
  let since = cursor ?? startedAt - FIRST_TRADES_LOOKBACK_MS;
  for (const t of neverAcknowledgedCreatedAt) since = Math.min(since, t - ORDER_LOOKBACK_MARGIN_MS);
  return since;
}
