import type { VenueCapabilities } from '../ports/venue-capabilities';

/**
 * The capabilities of the specs' in-process venues: a prefixed client id format like a real
 * venue's ("t-" + up to 26 of [0-9A-Za-z_.-]), lookups that always find an order, trades by their
 * own time, duplicates refused, answers with their trades. A spec that needs a venue's quirk spreads
 * this and overrides the one field.
 */
export const TEST_VENUE_CAPABILITIES: VenueCapabilities = {
  clientOrderIds: { prefix: 't-', maxLength: 28, bodyChar: /[0-9A-Za-z_.-]/ },
  clientIdLookupAfterFinishMs: null,
  tradesSelectedBy: 'trade-time',
  rejectsDuplicateClientId: true,
  notFoundCodes: ['ORDER_NOT_FOUND'],
  answersCarryTrades: 'always',
};
