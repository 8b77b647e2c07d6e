import { dec } from '@cab/domain';
import { anInstrument } from '@cab/domain/testing';
import { brokerDust, knownDust } from './dust-source';

describe('dust sources for the round-trip rule', () => {
  it('knownDust: Gate\'s minimums for the shipped pairs, null for another', async () => {
    const btc = await knownDust('BTC/USDT');
    expect(btc?.(dec('0.000000176'), dec('17700'))).toBe(true);
    expect(btc?.(dec('0.001'), dec('17700'))).toBe(false);
    expect(await knownDust('ABC/USDT')).toBeNull();
  });

  it('brokerDust: the broker\'s instrument first, the shipped minimums when the broker cannot say', async () => {
    const big = anInstrument({ symbol: 'BTC/USDT', minNotional: '100' });
    const ok = brokerDust({ instrument: async () => ({ ok: true, value: big }) });
    // 0.001 BTC at 17,700 = 17.7 USDT: dust against a 100 USDT minimum, not against Gate's 3.
    expect((await ok('BTC/USDT'))?.(dec('0.001'), dec('17700'))).toBe(true);
    const down = brokerDust({ instrument: async () => ({ ok: false, error: { kind: 'retryable', code: 'BROKER.NETWORK', message: 'down' } }) });
    expect((await down('BTC/USDT'))?.(dec('0.001'), dec('17700'))).toBe(false);
    const throws = brokerDust({ instrument: () => Promise.reject(new Error('boom')) });
    expect(await throws('ABC/USDT')).toBeNull();
  });
});
