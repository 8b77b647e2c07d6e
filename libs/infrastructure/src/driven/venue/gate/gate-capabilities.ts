import type { VenueCapabilities } from '@cab/application';
import { fitsClientIdFormat, type ClientIdFormat } from '@cab/domain';
import { REJECT } from '../reject-codes';

/**
 * Gate's `text` (our client order id): "t-" + [0-9A-Za-z_.-], 28 characters in all. Gate itself
 * allows 28 after the prefix, but ccxt's gate.createOrder (4.5.x) refuses any clientOrderId longer
 * than 28 characters counting the "t-", before the request is sent.
 */
export const GATE_CLIENT_ID_FORMAT: ClientIdFormat = { prefix: 't-', maxLength: 28, bodyChar: /[0-9A-Za-z_.-]/ };

/** Gate answers a lookup by `text` only while the order is open and about an hour after it finished. */
const GATE_CLIENT_ID_LOOKUP_MS = 60 * 60_000;

/**
 * What Gate spot does, as the application reads it (VenueCapabilities, docs/core.md "Drivers"):
 * lookups by client id expire, `my_trades` selects by the order's finish time, a duplicate `text`
 * is accepted (it is a free label), an unknown order is ORDER_NOT_FOUND (this adapter folds Gate's
 * CLIENT_ID_NOT_FOUND into it), and Gate's create / lookup / cancel answers carry no trades: this
 * adapter reads a filled order's trades once after the answer (best effort).
 */
export const GATE_CAPABILITIES: VenueCapabilities = {
  clientOrderIds: GATE_CLIENT_ID_FORMAT,
  clientIdLookupAfterFinishMs: GATE_CLIENT_ID_LOOKUP_MS,
  tradesSelectedBy: 'order-finish-time',
  rejectsDuplicateClientId: false,
  notFoundCodes: [REJECT.NOT_FOUND],
  answersCarryTrades: 'best-effort',
};

export function isGateClientOrderId(s: string): boolean {
  return fitsClientIdFormat(s, GATE_CLIENT_ID_FORMAT);
}
