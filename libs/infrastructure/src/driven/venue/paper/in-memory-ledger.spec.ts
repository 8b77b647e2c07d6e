import { InMemoryPaperLedger } from './in-memory-ledger';

describe('InMemoryPaperLedger', () => {
  it('is empty until saved, then returns what was saved', async () => {
    const l = new InMemoryPaperLedger();
    expect(await l.load()).toBeNull();
    await l.save({ USDT: { free: '1', used: '0' } });
    expect(await l.load()).toEqual({ USDT: { free: '1', used: '0' } });
    expect(l.saves).toBe(1);
  });

  it('keeps copies: changing a saved or loaded object changes nothing stored', async () => {
    const l = new InMemoryPaperLedger();
    const b = { USDT: { free: '1', used: '0' } };
    await l.save(b);
    b.USDT.free = '999';
    const loaded = (await l.load())!;
    loaded['USDT']!.free = '5';
    expect(await l.load()).toEqual({ USDT: { free: '1', used: '0' } });
  });
});

describe('InMemoryPaperLedger orders', () => {
  const order = (id: string, status: 'open' | 'closed', updatedAt: number) => ({
    id,
    clientOrderId: null,
    symbol: 'BTC/USDT',
    side: 'sell' as const,
    type: 'limit' as const,
    status,
    price: '60000',
    requestedQuote: null,
    requestedBase: '0.01',
    filledBase: '0',
    filledQuote: '0',
    averagePrice: null,
    fee: '0',
    feeCurrency: null,
    createdAt: 0,
    updatedAt,
    fills: [],
  });

  it('keeps copies of orders, in first-save order, and forgets finished ones before a time', async () => {
    const l = new InMemoryPaperLedger();
    const a = order('a', 'closed', 10);
    await l.save({}, { orders: [a, order('b', 'open', 5)] });
    a.status = 'open';
    await l.save({}, { orders: [order('c', 'closed', 30)] });
    expect((await l.loadOrders(0)).map((o) => [o.id, o.status])).toEqual([
      ['a', 'closed'],
      ['b', 'open'],
      ['c', 'closed'],
    ]);
    await l.save({}, { orders: [order('b', 'closed', 40)], forgetFinishedBefore: 20 });
    expect((await l.loadOrders(0)).map((o) => [o.id, o.status])).toEqual([
      ['b', 'closed'],
      ['c', 'closed'],
    ]);
    expect((await l.loadOrders(35)).map((o) => o.id)).toEqual(['b']);
    expect(l.orderCount).toBe(1);
  });
});
