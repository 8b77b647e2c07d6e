import { dec, ZERO } from '@cab/domain';
import type { FillDTO, OrderDTO } from '@cab/application';
import fc from 'fast-check';
import { PaperOrders, RETAIN_FINISHED_MS } from './paper-orders';

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
    o.add(order('1', { clientOrderId: 'same' }), 0);
    o.add(order('2', { clientOrderId: 'same' }), 0);
    expect(o.get('1')?.id).toBe('1');
    expect(o.getByClientId('same')?.id).toBe('2');
    expect(o.get('3')).toBeUndefined();
    expect(o.getByClientId('none')).toBeUndefined();
  });

  it('keeps open orders per symbol until they are finished', () => {
    const o = new PaperOrders();
    const a = order('a', { status: 'open' });
    o.add(a, 0);
    o.add(order('b', { status: 'open', symbol: 'ETH/USDT' }), 0);
    o.add(order('c'), 0);
    expect(o.openOrders('BTC/USDT').map((x) => x.id)).toEqual(['a']);
    o.finish(a, 'canceled', 5);
    expect(o.openOrders('BTC/USDT')).toEqual([]);
    expect(o.get('a')).toMatchObject({ status: 'canceled', updatedAt: 5 });
    expect(o.openOrders('ETH/USDT')).toHaveLength(1);
  });

  it('lists fills since a time, by binary search while times only grow', () => {
    const o = new PaperOrders();
    o.add(order('1', { fillTs: [10, 10] }), 0);
    o.add(order('2', { fillTs: [20] }), 0);
    o.add(order('3', { fillTs: [30] }), 0);
    expect(o.fillsSince('BTC/USDT', 20).map((f) => f.id)).toEqual(['2-f0', '3-f0']);
    expect(o.fillsSince('BTC/USDT', 10)).toHaveLength(4);
    expect(o.fillsSince('BTC/USDT', 31)).toEqual([]);
    expect(o.fillsSince('BTC/USDT')).toHaveLength(4);
    expect(o.fillsSince('ETH/USDT', 0)).toEqual([]);
  });

  it('still lists the right fills after the clock went back', () => {
    const o = new PaperOrders();
    o.add(order('1', { fillTs: [30] }), 0);
    o.add(order('2', { fillTs: [10] }), 0);
    o.add(order('3', { fillTs: [20] }), 0);
    expect(o.fillsSince('BTC/USDT', 20).map((f) => f.orderId)).toEqual(['1', '3']);
  });

  describe('retention', () => {
    const DAY = 86_400_000;

    it('keeps a finished order and its fills for the whole window, then forgets them', () => {
      const o = new PaperOrders(DAY);
      o.add(order('1', { createdAt: 1_000, updatedAt: 1_000, fillTs: [1_000] }), 1_000);
      o.add(order('2', { createdAt: 1_000 + DAY, updatedAt: 1_000 + DAY, fillTs: [1_000 + DAY] }), 1_000 + DAY);
      // Finished exactly one window ago: still answered.
      expect(o.get('1')?.id).toBe('1');
      expect(o.getByClientId('c-1')?.id).toBe('1');
      expect(o.fillsSince('BTC/USDT', 1_000).map((f) => f.orderId)).toEqual(['1', '2']);

      o.add(order('3', { createdAt: 1_001 + DAY, updatedAt: 1_001 + DAY, fillTs: [1_001 + DAY] }), 1_001 + DAY);
      expect(o.get('1')).toBeUndefined();
      expect(o.getByClientId('c-1')).toBeUndefined();
      expect(o.fillsSince('BTC/USDT').map((f) => f.orderId)).toEqual(['2', '3']);
      expect(o.size).toEqual({ orders: 2, fills: 2 });
    });

    it('holds a bounded number of orders however many it has seen', () => {
      const o = new PaperOrders(DAY);
      // One order a minute for 30 days: a day's worth is held, not 43,200.
      for (let k = 0; k < 30 * 1_440; k++) {
        const ts = k * 60_000;
        o.add(order(String(k), { createdAt: ts, updatedAt: ts, fillTs: [ts] }), ts);
      }
      expect(o.size).toEqual({ orders: 1_441, fills: 1_441 });
      expect(o.get('0')).toBeUndefined();
      expect(o.get(String(30 * 1_440 - 1441))?.id).toBe(String(30 * 1_440 - 1441));
    });

    it('never forgets an open order, however old', () => {
      const o = new PaperOrders(DAY);
      o.add(order('rest', { status: 'open' }), 0);
      o.add(order('later', { createdAt: 10 * DAY, updatedAt: 10 * DAY }), 10 * DAY);
      expect(o.get('rest')?.status).toBe('open');
      expect(o.getByClientId('c-rest')?.id).toBe('rest');
      expect(o.openOrders('BTC/USDT').map((x) => x.id)).toEqual(['rest']);
    });

    it('counts a canceled order’s window from when it was canceled, not placed', () => {
      const o = new PaperOrders(DAY);
      const rest = order('rest', { status: 'open' });
      o.add(rest, 0);
      o.finish(rest, 'canceled', 5 * DAY);
      o.add(order('x', { createdAt: 6 * DAY, updatedAt: 6 * DAY }), 6 * DAY);
      expect(o.get('rest')?.status).toBe('canceled');
      o.add(order('y', { createdAt: 6 * DAY + 1, updatedAt: 6 * DAY + 1 }), 6 * DAY + 1);
      expect(o.get('rest')).toBeUndefined();
    });

    it('keeps a client order id pointing at a newer order when an older one with it is forgotten', () => {
      const o = new PaperOrders(DAY);
      o.add(order('old', { clientOrderId: 'dup' }), 0);
      o.add(order('new', { clientOrderId: 'dup', createdAt: DAY, updatedAt: DAY }), DAY);
      o.add(order('z', { createdAt: DAY + 1, updatedAt: DAY + 1 }), DAY + 1);
      expect(o.get('old')).toBeUndefined();
      expect(o.getByClientId('dup')?.id).toBe('new');
    });

    it('forgets nothing early when the clock went back', () => {
      const o = new PaperOrders(DAY);
      o.add(order('a', { createdAt: 5 * DAY, updatedAt: 5 * DAY, fillTs: [5 * DAY] }), 5 * DAY);
      o.add(order('b', { createdAt: 0, updatedAt: 0, fillTs: [0] }), 0);
      o.add(order('c', { createdAt: 5 * DAY + 1, updatedAt: 5 * DAY + 1, fillTs: [5 * DAY + 1] }), 5 * DAY + 1);
      // b finished more than a window before c, but sits behind a, which is still held: b waits.
      expect(o.get('b')?.id).toBe('b');
      expect(o.fillsSince('BTC/USDT', 0).map((f) => f.orderId)).toEqual(['a', 'b', 'c']);
      o.add(order('d', { createdAt: 6 * DAY + 1, updatedAt: 6 * DAY + 1 }), 6 * DAY + 1);
      expect(['a', 'b', 'c', 'd'].filter((id) => o.get(id))).toEqual(['c', 'd']);
      expect(o.fillsSince('BTC/USDT', 0).map((f) => f.orderId)).toEqual(['c']);
    });

    it('keeps seven days by default', () => {
      const o = new PaperOrders();
      o.add(order('1'), 0);
      o.add(order('2', { createdAt: RETAIN_FINISHED_MS, updatedAt: RETAIN_FINISHED_MS }), RETAIN_FINISHED_MS);
      expect(o.get('1')?.id).toBe('1');
      o.add(order('3', { createdAt: RETAIN_FINISHED_MS + 1, updatedAt: RETAIN_FINISHED_MS + 1 }), RETAIN_FINISHED_MS + 1);
      expect(o.get('1')).toBeUndefined();
      expect(RETAIN_FINISHED_MS).toBe(7 * DAY);
    });

    it('rejects a negative window', () => {
      expect(() => new PaperOrders(-1)).toThrow(RangeError);
    });

    it('answers every lookup inside the window exactly as an unbounded history would', () => {
      // Orders at non-decreasing times (some resting, canceled later), through several compactions.
      const step = fc.record({ gap: fc.integer({ min: 0, max: 400 }), fills: fc.integer({ min: 0, max: 3 }), rest: fc.boolean(), cancel: fc.boolean() });
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 3_000 }), fc.integer({ min: 0, max: 3_000 }), (steps, window) => {
          const bounded = new PaperOrders(window);
          const all = new PaperOrders(Number.MAX_SAFE_INTEGER);
          const resting: [OrderDTO, OrderDTO][] = [];
          let now = 0;
          steps.forEach((s, k) => {
            now += s.gap;
            if (s.cancel && resting.length > 0) {
              const [a, b] = resting.shift()!;
              bounded.finish(a, 'canceled', now);
              all.finish(b, 'canceled', now);
            }
            const make = () =>
              order(String(k), {
                createdAt: now,
                updatedAt: now,
                status: s.rest ? 'open' : 'closed',
                fillTs: s.rest ? [] : Array.from({ length: s.fills }, () => now),
              });
            const a = make();
            const b = make();
            bounded.add(a, now);
            all.add(b, now);
            if (s.rest) resting.push([a, b]);
          });
          const cutoff = now - window;
          const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
          expect(ids(bounded.fillsSince('BTC/USDT', cutoff))).toEqual(ids(all.fillsSince('BTC/USDT', cutoff)));
          expect(ids(bounded.openOrders('BTC/USDT'))).toEqual(ids(all.openOrders('BTC/USDT')));
          for (let k = 0; k < steps.length; k++) {
            const full = all.get(String(k))!;
            if (full.status === 'open' || full.updatedAt >= cutoff) {
              expect(bounded.get(String(k))).toEqual(full);
              expect(bounded.getByClientId(`c-${k}`)).toEqual(full);
            } else expect(bounded.get(String(k))).toBeUndefined();
          }
        }),
        { numRuns: 60 },
      );
    });
  });
});
