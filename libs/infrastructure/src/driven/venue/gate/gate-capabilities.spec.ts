import { clientOrderId } from '@cab/domain';
import { GATE_CAPABILITIES, GATE_CLIENT_ID_FORMAT, isGateClientOrderId } from './gate-capabilities';

describe("Gate's declared capabilities", () => {
  it('derives readable ids in Gate\'s `text` form ("t-" + [0-9A-Za-z_.-], 28 in all)', () => {
    expect(clientOrderId('BTC/USDT:buy:28333333', GATE_CAPABILITIES.clientOrderIds)).toBe('t-BTC_USDT-b-28333333');
    expect(clientOrderId('ETH/USDT:sell:28333333', GATE_CLIENT_ID_FORMAT)).toBe('t-ETH_USDT-s-28333333');
    const long = clientOrderId('1000SATS/USDT:buy:1763950000000', GATE_CLIENT_ID_FORMAT);
    expect(long).toHaveLength(28);
    expect(isGateClientOrderId(long)).toBe(true);
  });

  it.each(['t-', 'x-abc', 't-' + 'a'.repeat(27), 't-a b', 'abc'])('%j is not a Gate text', (s) => {
    expect(isGateClientOrderId(s)).toBe(false);
  });

  it('says what the reconciliation must not assume of Gate', () => {
    expect(GATE_CAPABILITIES).toMatchObject({
      clientIdLookupAfterFinishMs: 3_600_000,
      tradesSelectedBy: 'order-finish-time',
      rejectsDuplicateClientId: false,
      notFoundCodes: ['ORDER_NOT_FOUND'],
      answersCarryTrades: 'best-effort',
    });
  });
});
