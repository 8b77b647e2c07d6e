import { dec, str, ZERO } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import type { OrderRecord } from '../ports/orders-repository';
import { InMemoryStorage } from './in-memory-storage';

// The shared behaviour is proven by the storage contract in @cab/infrastructure, which runs on this
// class and on SQLite. These specs cover what only an in-memory store can get wrong.
const order = (id: string): OrderRecord => ({
  clientOrderId: id,
  exchange: 'paper',
  exchangeOrderId: null,
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'market',
  requestedQuote: dec('10'),
  requestedBase: null,
  status: 'new',
  filledBase: ZERO,
  filledQuote: ZERO,
  averagePrice: null,
  fee: ZERO,
  feeCurrency: null,
  idempotencyKey: null,
  reason: null,
  createdAt: 1,
  updatedAt: 1,
});

describe('InMemoryStorage', () => {
  it('hands out copies: changing a returned record does not change the store', async () => {
    const s = new InMemoryStorage(new FakeClock());
    const o = order('a');
    await s.orders.insert(o);
    o.status = 'filled';
    const back = await s.orders.byClientOrderId('a');
    expect(back?.status).toBe('new');
    if (back) back.status = 'canceled';
    expect((await s.orders.byClientOrderId('a'))?.status).toBe('new');
  });

  it('makes calls from outside wait until a running unit of work has finished', async () => {
    const s = new InMemoryStorage(new FakeClock());
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const work = s.unitOfWork.run(async (tx) => {
      await tx.orders.insert(order('in-tx'));
      await gate;
      throw new Error('rolled back');
    });
    const outside = s.orders.byClientOrderId('in-tx').then((o) => seen.push(o ? 'saw uncommitted' : 'saw nothing'));
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([]);
    release();
    await expect(work).rejects.toThrow('rolled back');
    await outside;
    expect(seen).toEqual(['saw nothing']);
  });

  it('restores counters on rollback, so ids stay dense like a real sequence after a failure', async () => {
    const s = new InMemoryStorage(new FakeClock());
    const first = await s.audit.record({ ts: 1, kind: 'system', symbol: null, correlationId: null, summary: 'a', data: {} });
    await expect(
      s.unitOfWork.run(async (tx) => {
        await tx.audit.record({ ts: 2, kind: 'system', symbol: null, correlationId: null, summary: 'b', data: {} });
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    const next = await s.audit.record({ ts: 3, kind: 'system', symbol: null, correlationId: null, summary: 'c', data: {} });
    expect(next).toBe(first + 1);
    expect((await s.audit.find()).map((a) => a.summary)).toEqual(['c', 'a']);
  });

  it('validates paper balances like the SQL store', async () => {
    const s = new InMemoryStorage(new FakeClock());
    await s.paperLedger.save({ USDT: { free: '10.50', used: '0' } });
    expect(await s.paperLedger.load()).toEqual({ USDT: { free: '10.5', used: '0' } });
    await expect(s.paperLedger.save({ USDT: { free: 'x', used: '0' } })).rejects.toThrow(/not a decimal/);
    expect(str(dec((await s.paperLedger.load())?.['USDT']?.free ?? '0'))).toBe('10.5');
  });
});
