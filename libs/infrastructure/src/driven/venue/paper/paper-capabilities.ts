import type { VenueCapabilities } from '@cab/application';
import { GATE_CLIENT_ID_FORMAT } from '../gate/gate-capabilities';
import { REJECT } from '../reject-codes';

/**
 * What the paper venues (PaperVenue, the backtest's SimulatedVenue) do. They stand in for Gate,
 * so they take Gate's client id format (paper and live derive the same ids) and, like Gate, accept a
 * duplicate client id; but they answer with the order's fills, select trades by their own time,
 * and find a finished order by client id for as long as they keep it (`retainedMs`; null: always).
 */
export function paperCapabilities(retainedMs: number | null): VenueCapabilities {
  return {
    clientOrderIds: GATE_CLIENT_ID_FORMAT,
    clientIdLookupAfterFinishMs: retainedMs,
    tradesSelectedBy: 'trade-time',
    rejectsDuplicateClientId: false,
    notFoundCodes: [REJECT.NOT_FOUND],
    answersCarryTrades: 'always',
  };
}
