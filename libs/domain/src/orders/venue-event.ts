import { ZERO, type Decimal } from '../money/decimal';
import type { OrderEvent } from './transitions';

/** ccxt's unified order status. */
export type VenueStatus = 'open' | 'closed' | 'canceled' | 'expired' | 'rejected';

export interface VenueOrder {
  readonly status: VenueStatus;
  /** Base filled so far. */
  readonly filled: Decimal;
  /** Base left unfilled; null when the venue did not say. */
  readonly remaining: Decimal | null;
}

/**
 * The event a venue's view of an order means for our table. Filled amounts win over the status
 * string: Gate reports a filled IOC market buy as "cancelled" (docs/lessons.md #12), and a market buy by
 * cost can leave a remainder smaller than one amount step. `dust` is the remainder that still
 * counts as fully filled (pass the instrument's amount step).
 */
export function orderEventFromVenue(o: VenueOrder, dust: Decimal = ZERO): OrderEvent {
  const hasFill = o.filled.gt(ZERO);
  switch (o.status) {
    case 'rejected':
      return 'rejected';
    case 'closed':
      return 'filled';
    case 'open':
      return hasFill ? 'partial' : 'submitted';
    case 'canceled':
    case 'expired':
      if (hasFill && (o.remaining === null || o.remaining.lte(dust))) return 'filled';
      return 'canceled';
  }
}
