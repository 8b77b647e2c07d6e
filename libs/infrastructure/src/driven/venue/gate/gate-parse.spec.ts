import { describe, expect, it } from '@jest/globals';
import { str } from '@cab/domain';
import { balanceFromGate, fillFromGate, instrumentFromGate, orderFromGate } from './gate-parse';
import { fromGatePair, fromGateText, toGatePair, toGateText } from './symbols';

// Real Gate payloads recorded by ccxt (github.com/ccxt/ccxt ts/src/test/static/response/gate.json, MIT;
// a copy lives in tools/exchange-emulator/test-data/).
const LTC_PAIR = {
  id: 'LTC_USDT',
  base: 'LTC',
  quote: 'USDT',
  fee: '0.2',
  min_base_amount: '0.001',
  min_quote_amount: '3',
  amount_precision: 4,
  precision: 2,
  trade_status: 'tradable',
};
const CLOSED_MARKET_BUY = {
  id: '497245022561',
  text: 'apiv4',
  amend_text: '-',
  create_time: '1706382263',
  update_time: '1706382263',
  create_time_ms: '1706382263841',
  update_time_ms: '1706382263841',
  status: 'closed',
  currency_pair: 'LTC_USDT',
  type: 'market',
  account: 'spot',
  side: 'buy',
  amount: '5.0',
  price: '0.0',
  time_in_force: 'ioc',
  iceberg: '0.0',
  left: '0.001015',
  fill_price: '4.998985',
  filled_total: '4.998985',
  avg_deal_price: '68.02',
  fee: '0.000147',
  fee_currency: 'LTC',
  point_fee: '0.0',
  gt_fee: '0.0',
  gt_maker_fee: '0.0',
  gt_taker_fee: '0.0',
  gt_discount: false,
  rebated_fee: '0.0',
  rebated_fee_currency: 'USDT',
  finish_as: 'filled',
};
const OPEN_LIMIT_SELL = {
  id: '700604309511',
  text: 'web',
  amend_text: '-',
  create_time: '1729180336',
  update_time: '1729180336',
  create_time_ms: '1729180336718',
  update_time_ms: '1729180336718',
  status: 'open',
  currency_pair: 'BTC_USDT',
  type: 'limit',
  account: 'spot',
  side: 'sell',
  amount: '0.00009',
  price: '69662.3',
  time_in_force: 'gtc',
  iceberg: '0',
  left: '0.00009',
  filled_amount: '0',
  fill_price: '0',
  filled_total: '0',
  fee: '0',
  fee_currency: 'USDT',
  point_fee: '0',
  gt_fee: '0',
  gt_maker_fee: '0',
  gt_taker_fee: '0',
  gt_discount: false,
  rebated_fee: '0',
  rebated_fee_currency: 'BTC',
  finish_as: 'open',
};
const TRADE = {
  id: '7342180136',
  create_time: '1706382263',
  create_time_ms: '1706382263841.313000',
  currency_pair: 'LTC_USDT',
  side: 'buy',
  role: 'taker',
  amount: '0.0485',
  price: '68.01',
  order_id: '497245022561',
  fee: '0.000097',
  fee_currency: 'LTC',
  point_fee: '0.0',
  gt_fee: '0.0',
  amend_text: '-',
  sequence_id: '1388785',
  text: 'apiv4',
};

const ltc = instrumentFromGate('LTC/USDT', LTC_PAIR);

describe('instrumentFromGate', () => {
  it('reads the grid, minimums and fee from Gate strings', () => {
    expect([str(ltc.amountStep), str(ltc.priceTick), str(ltc.minBase), str(ltc.minNotional), str(ltc.takerFee)]).toEqual([
      '0.0001',
      '0.01',
      '0.001',
      '3',
      '0.002',
    ]);
    expect([ltc.base, ltc.quote]).toEqual(['LTC', 'USDT']);
  });
});

describe('orderFromGate', () => {
  it('a recorded filled market buy: amount in quote, fee in base, filled from filled_total / avg', () => {
    const o = orderFromGate(CLOSED_MARKET_BUY, ltc);
    expect(o).toMatchObject({
      id: '497245022561',
      clientOrderId: null,
      symbol: 'LTC/USDT',
      side: 'buy',
      type: 'market',
      status: 'closed',
      feeCurrency: 'LTC',
      createdAt: 1706382263841,
    });
    expect(str(o.requestedQuote!)).toBe('5');
    expect(o.requestedBase).toBeNull();
    expect(str(o.filledQuote)).toBe('4.998985');
    expect(str(o.averagePrice!)).toBe('68.02');
    // 4.998985 / 68.02 = 0.07349..., on the 0.0001 grid
    expect(str(o.filledBase)).toBe('0.0735');
    expect(str(o.fee)).toBe('0.000147');
  });

  it('trusts the filled amounts over finish_as "cancelled" (docs/lessons.md #12)', () => {
    const o = orderFromGate({ ...CLOSED_MARKET_BUY, finish_as: 'cancelled', status: 'cancelled' }, ltc);
    expect(o.status).toBe('closed');
    const partial = orderFromGate({ ...CLOSED_MARKET_BUY, finish_as: 'ioc', left: '2.5', filled_total: '2.5' }, ltc);
    expect(partial.status).toBe('canceled');
    expect(str(partial.filledQuote)).toBe('2.5');
    const nothing = orderFromGate({ ...CLOSED_MARKET_BUY, finish_as: 'cancelled', left: '5', filled_total: '0', avg_deal_price: '0', fee: '0' }, ltc);
    expect(nothing).toMatchObject({ status: 'canceled', feeCurrency: null });
    expect(str(nothing.filledBase)).toBe('0');
  });

  it('a recorded open limit sell: base amount, nothing filled, no fee currency', () => {
    const btc = instrumentFromGate('BTC/USDT', { ...LTC_PAIR, id: 'BTC_USDT', amount_precision: 6 });
    const o = orderFromGate(OPEN_LIMIT_SELL, btc);
    expect(o).toMatchObject({ status: 'open', type: 'limit', side: 'sell', clientOrderId: null, averagePrice: null, feeCurrency: null });
    expect(str(o.requestedBase!)).toBe('0.00009');
    expect(str(o.filledBase)).toBe('0');
  });

  it('keeps our t- client order id', () => {
    expect(orderFromGate({ ...CLOSED_MARKET_BUY, text: 't-abc' }, ltc).clientOrderId).toBe('t-abc');
  });

  it('a fee paid in GT points is reported in GT', () => {
    expect(orderFromGate({ ...CLOSED_MARKET_BUY, fee: '0', gt_fee: '0.01' }, ltc)).toMatchObject({ feeCurrency: 'GT' });
  });
});

describe('fillFromGate and balanceFromGate', () => {
  it('a recorded fill: fee in base, cost = price × amount, ms timestamp', () => {
    const f = fillFromGate(TRADE);
    expect(f).toMatchObject({ id: '7342180136', orderId: '497245022561', side: 'buy', feeCurrency: 'LTC', ts: 1706382263841 });
    expect(str(f.cost)).toBe('3.298485');
  });

  it('balances of the two currencies; a missing currency is zero', () => {
    const b = balanceFromGate([{ currency: 'USDT', available: '10.5', locked: '2' }], ltc);
    expect([str(b.freeQuote), str(b.usedQuote), str(b.freeBase), str(b.usedBase)]).toEqual(['10.5', '2', '0', '0']);
  });
});

describe('symbols', () => {
  it('BTC/USDT ↔ BTC_USDT', () => {
    expect(toGatePair('BTC/USDT')).toBe('BTC_USDT');
    expect(fromGatePair('BTC_USDT')).toBe('BTC/USDT');
    expect(() => toGatePair('BTC-USDT')).toThrow();
  });

  it("client ids become Gate's t- text; other texts are not ours", () => {
    expect(toGateText('t-abc')).toBe('t-abc');
    expect(toGateText('abc')).toBe('t-abc');
    expect(toGateText('x'.repeat(29))).toBeNull();
    expect(toGateText('bad id')).toBeNull();
    expect(fromGateText('apiv4')).toBeNull();
    expect(fromGateText('t-1')).toBe('t-1');
  });
});
