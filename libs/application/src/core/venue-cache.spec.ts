import { dec } from '@cab/domain';
import type { BalanceDTO, BrokerResult } from '../ports/broker';
import { deferred, type Deferred } from '../testing/deferred';
import { SYMBOL } from '../testing';
import { VenueCache } from './venue-cache';

const balance = (freeBase: string): BalanceDTO => ({
  symbol: SYMBOL,
  base: 'BTC',
  quote: 'USDT',
  freeBase: dec(freeBase),
  freeQuote: dec('100'),
  usedBase: dec('0'),
  usedQuote: dec('0'),
});

/** A broker whose balance reads answer when the spec says, in any order. */
function heldReads() {
  const reads: Deferred<BrokerResult<BalanceDTO>>[] = [];
  const cache = new VenueCache({
    name: 'spec',
    capabilities: {} as never,
    instrument: () => Promise.reject(new Error('not read')),
    fetchOrderBook: () => Promise.reject(new Error('not read')),
    fetchBalance: () => {
      const d = deferred<BrokerResult<BalanceDTO>>();
      reads.push(d);
      return d.promise;
    },
  });
  return { cache, reads };
}

describe('VenueCache: balances read concurrently by the timers', () => {
  it('keeps the answer of the read begun last: a read begun before a fill and answered after it does not bring back the old balance', async () => {
    const { cache, reads } = heldReads();
    const before = cache.readBalance(SYMBOL); // the reconcile pass, begun before the buy filled
    const after = cache.readBalance(SYMBOL); // the read after the fill
    reads[1]!.resolve({ ok: true, value: balance('0.5') });
    await after;
    reads[0]!.resolve({ ok: true, value: balance('0') });
    await before;
    expect(cache.balance(SYMBOL)?.freeBase.toString()).toBe('0.5');

    // A read begun after both replaces it.
    const next = cache.readBalance(SYMBOL);
    reads[2]!.resolve({ ok: true, value: balance('0.25') });
    await next;
    expect(cache.balance(SYMBOL)?.freeBase.toString()).toBe('0.25');
  });

  it('reads answered in the order they began are all kept in turn; a failed read keeps the last balance', async () => {
    const { cache, reads } = heldReads();
    const first = cache.readBalance(SYMBOL);
    const second = cache.readBalance(SYMBOL);
    reads[0]!.resolve({ ok: true, value: balance('1') });
    await first;
    expect(cache.balance(SYMBOL)?.freeBase.toString()).toBe('1');
    reads[1]!.resolve({ ok: true, value: balance('2') });
    await second;
    expect(cache.balance(SYMBOL)?.freeBase.toString()).toBe('2');

    const failed = cache.readBalance(SYMBOL);
    reads[2]!.resolve({ ok: false, error: { kind: 'retryable', code: 'NETWORK', message: 'down' } });
    expect(await failed).toBe('NETWORK: down');
    expect(cache.balance(SYMBOL)?.freeBase.toString()).toBe('2');
  });
});
