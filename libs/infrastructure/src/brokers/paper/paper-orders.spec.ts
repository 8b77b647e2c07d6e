import { dec, ZERO } from '@cab/domain';
import type { FillDTO, OrderDTO } from '@cab/application';
import { PaperOrders } from './paper-orders';

function order(id: string, opts: Partial<OrderDTO> & { fillTs?: number[] } = {}): OrderDTO {
  const { fillTs = [], ...rest } = opts;
  const fills: FillDTO[] = fillTs.map((ts, i) => ({
    id: `${id}-f${i}`,
    orderId: id,
    ts,
    side: 'buy',
    price: dec('1'),
    amount: dec('1'),
    cost: dec('1'),
    fee: ZERO,
    feeCurrency: 'BTC',
  }));
  return {
    id,
    clientOrderId: `c-${id}`,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'market',
    status: 'closed',
    requestedQuote: null,
    requestedBase: null,
    filledBase: ZERO,
    filledQuote: ZERO,
    averagePrice: null,
    fee: ZERO,
    feeCurrency: null,
    createdAt: 0,
    updatedAt: 0,
    fills,
    ...rest,
  };
}

describe('PaperOrders', () => {
  it('finds orders by id and by the latest client order id', () => {
    const o = new PaperOrders();
    o.add(order('1', { clientOrderId: 'same' }));
    o.add(order('2', { clientOrderId: 'same' }));
    expect(o.get('1')?.id).toBe('1');
    expect(o.getByClientId('same')?.id).toBe('2');
    expect(o.get('3')).toBeUndefined();
    expect(o.getByClientId('none')).toBeUndefined();
  });

  it('keeps open orders per symbol until they are finished', () => {
    const o = new PaperOrders();
    const a = order('a', { status: 'open' });
    o.add(a);
    o.add(order('b', { status: 'open', symbol: 'ETH/USDT' }));
    o.add(order('c'));
    expect(o.openOrders('BTC/USDT').map((x) => x.id)).toEqual(['a']);
    o.finish(a, 'canceled', 5);
    expect(o.openOrders('BTC/USDT')).toEqual([]);
    expect(o.get('a')).toMatchObject({ status: 'canceled', updatedAt: 5 });
    expect(o.openOrders('ETH/USDT')).toHaveLength(1);
  });

  it('lists fills since a time, by binary search while times only grow', () => {
    const o = new PaperOrders();
    o.add(order('1', { fillTs: [10, 10] }));
    o.add(order('2', { fillTs: [20] }));
    o.add(order('3', { fillTs: [30] }));
    expect(o.fillsSince('BTC/USDT', 20).map((f) => f.id)).toEqual(['2-f0', '3-f0']);
    expect(o.fillsSince('BTC/USDT', 10)).toHaveLength(4);
    expect(o.fillsSince('BTC/USDT', 31)).toEqual([]);
    expect(o.fillsSince('BTC/USDT')).toHaveLength(4);
    expect(o.fillsSince('ETH/USDT', 0)).toEqual([]);
  });

  it('still lists the right fills after the clock went back', () => {
    const o = new PaperOrders();
    o.add(order('1', { fillTs: [30] }));
    o.add(order('2', { fillTs: [10] }));
    o.add(order('3', { fillTs: [20] }));
    expect(o.fillsSince('BTC/USDT', 20).map((f) => f.orderId)).toEqual(['1', '3']);
  });
});
