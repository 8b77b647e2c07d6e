import { compare, passed, type BotFacts, type VenueFacts } from './checks';

const venue = (over: Partial<VenueFacts> = {}): VenueFacts => ({
  orders: [
    { id: '1', text: 't-BTC_USDT-b-1', side: 'buy', pair: 'BTC_USDT', filled: '0.001' },
    { id: '2', text: 't-BTC_USDT-s-2', side: 'sell', pair: 'BTC_USDT', filled: '0.000998' },
  ],
  trades: [
    { id: 'T1', orderId: '1', side: 'buy', amount: '0.001' },
    { id: 'T2', orderId: '2', side: 'sell', amount: '0.000998' },
  ],
  baseNow: '0.5',
  baseAtStart: '0.5',
  ...over,
});
const bot = (over: Partial<BotFacts> = {}): BotFacts => ({
  orders: [
    { clientOrderId: 't-BTC_USDT-b-1', exchangeOrderId: '1', idempotencyKey: 'BTC/USDT:buy:1' },
    { clientOrderId: 't-BTC_USDT-s-2', exchangeOrderId: '2', idempotencyKey: 'BTC/USDT:sell:2' },
  ],
  fillTradeIds: new Set(['T1', 'T2']),
  positionBase: '0',
  ...over,
});

describe('rehearsal checks: the venue against the bot database', () => {
  it('a clean run passes: no duplicate, no lost fill, the position equal to the balance change', () => {
    const f = compare(venue(), bot(), '0.000001');
    expect(f).toMatchObject({ duplicates: [], lostFills: [], unknownVenueOrders: [], positionOk: true, positionDifference: '0' });
    expect(passed(f)).toBe(true);
  });

  it('two venue orders with one client order id are a duplicate', () => {
    const orders = [...venue().orders, { id: '3', text: 't-BTC_USDT-b-1', side: 'buy', pair: 'BTC_USDT', filled: '0' }];
    const f = compare(venue({ orders, baseNow: '0.5' }), bot(), '0.000001');
    expect(f.duplicates).toEqual([{ kind: 'text', key: 't-BTC_USDT-b-1', venueOrderIds: ['1', '3'] }]);
    expect(passed(f)).toBe(false);
  });

  it('two venue orders answering one idempotency key under different client ids are a duplicate', () => {
    const orders = [...venue().orders, { id: '3', text: 't-BTC_USDT-b-3', side: 'buy', pair: 'BTC_USDT', filled: '0' }];
    const rows = [...bot().orders, { clientOrderId: 'BTC_USDT-b-3', exchangeOrderId: null, idempotencyKey: 'BTC/USDT:buy:1' }];
    const f = compare(venue({ orders }), bot({ orders: rows }), '0.000001');
    expect(f.duplicates).toEqual([{ kind: 'idempotency-key', key: 'BTC/USDT:buy:1', venueOrderIds: ['1', '3'] }]);
  });

  it('a filled buy right after a filled buy, no sell between, is a double entry; an unfilled one is not', () => {
    const [buy, sell] = venue().orders;
    const again = { id: '3', text: 't-BTC_USDT-b-3', side: 'buy', pair: 'BTC_USDT', filled: '0.001' };
    const rows = [...bot().orders, { clientOrderId: 't-BTC_USDT-b-3', exchangeOrderId: '3', idempotencyKey: 'BTC/USDT:buy:3' }];
    const f = compare(venue({ orders: [buy!, again, sell!], baseNow: '0.501' }), bot({ orders: rows, positionBase: '0.001' }), '0.000001');
    expect(f.duplicates).toEqual([{ kind: 'double-entry', key: 't-BTC_USDT-b-1 then t-BTC_USDT-b-3', venueOrderIds: ['1', '3'] }]);
    expect(passed(f)).toBe(false);
    const unfilled = compare(venue({ orders: [buy!, { ...again, filled: '0' }, sell!] }), bot({ orders: rows }), '0.000001');
    expect(unfilled.duplicates).toEqual([]);
  });

  it('a venue trade missing from the fills table is a lost fill; an order no row names is reported', () => {
    const orders = [...venue().orders, { id: '9', text: 'apiv4', side: 'buy', pair: 'BTC_USDT', filled: '0' }];
    const f = compare(venue({ orders }), bot({ fillTradeIds: new Set(['T1']) }), '0.000001');
    expect(f.lostFills).toEqual(['T2']);
    expect(f.unknownVenueOrders).toEqual(['9']);
    expect(passed(f)).toBe(false);
  });

  it('the position may differ from the balance change by one amount step, not more', () => {
    const within = compare(venue({ baseNow: '0.500001' }), bot({ positionBase: '0' }), '0.000001');
    expect(within.positionOk).toBe(true);
    const beyond = compare(venue({ baseNow: '0.501' }), bot({ positionBase: '0' }), '0.000001');
    expect(beyond).toMatchObject({ positionOk: false, positionDifference: '-0.001', venueBaseChange: '0.001' });
    expect(passed(beyond)).toBe(false);
    expect(compare(venue(), bot({ positionBase: null }), '0.000001').positionOk).toBe(true);
  });
});
