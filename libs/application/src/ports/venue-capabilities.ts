import type { ClientIdFormat } from '@cab/domain';
import type { BrokerResult } from './broker';

/**
 * What a venue does that the application must not assume: each venue adapter declares it (the
 * Gate broker, the paper broker and the backtest's simulated venue; docs/core.md, "Drivers").
 *
 * The core reads `clientOrderIds` (the id it derives), `notFoundCodes`, and
 * `clientIdLookupAfterFinishMs` (how long a "not found" by client id can be believed: past it, an
 * order in flight is closed only by trades read over its time). The other three say where
 * the venue stands against the guarantees the reconcile is written for, the weakest of the venues
 * supported (Gate's, core/venue-lookups.ts): a lookup by client id that expires, trades listed by
 * their order's finish time, duplicate client ids accepted, answers without trades. A venue that
 * does better needs no other path (what is right for Gate is right for it); a venue declaring less
 * than Gate does needs the reconcile changed first. The venue contract checks `answersCarryTrades`
 * against the venue itself.
 */
export interface VenueCapabilities {
  /** The client order ids the venue accepts; the core derives each order's id in this format. */
  readonly clientOrderIds: ClientIdFormat;
  /**
   * How long after an order finishes a lookup by client order id still finds it: `null` = always;
   * a number = only while the order is open and that many ms after (Gate: about an hour). After
   * that, an order is found by exchange id, or among the trades.
   */
  readonly clientIdLookupAfterFinishMs: number | null;
  /**
   * What `fetchMyTrades(symbol, since)` selects by: the trade's own time, or the finish time of its
   * order (Gate): then a trade before `since` is listed when its order finished after it.
   */
  readonly tradesSelectedBy: 'trade-time' | 'order-finish-time';
  /**
   * True when the venue refuses a second order with a client order id already used. Gate does not
   * (its `text` is a free label), so two venue orders may carry one id: a match by client id must
   * also check side and exchange id.
   */
  readonly rejectsDuplicateClientId: boolean;
  /** The `rejected` codes that mean "no such order" on a lookup or cancel (the Gate adapter folds Gate's ORDER_NOT_FOUND and CLIENT_ID_NOT_FOUND into ORDER_NOT_FOUND). */
  readonly notFoundCodes: readonly string[];
  /**
   * Whether create, lookup and cancel answers carry a filled order's trades (`OrderDTO.fills`):
   * `always` (the paper venues); `best-effort` (the Gate adapter reads them after Gate's answer,
   * which has none, once, and answers without them when that read fails: the caller reads them
   * with fetchMyTrades before the core sees the answer); `never`.
   */
  readonly answersCarryTrades: 'always' | 'best-effort' | 'never';
}

/** True when the answer is the venue's "no such order" (one of its declared `notFoundCodes`). */
export function isNotFoundOn(caps: Pick<VenueCapabilities, 'notFoundCodes'>, r: BrokerResult<unknown>): boolean {
  return !r.ok && r.error.kind === 'rejected' && caps.notFoundCodes.includes(r.error.code);
}
