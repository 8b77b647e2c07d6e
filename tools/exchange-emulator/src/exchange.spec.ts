import { afterEach, describe, expect, it } from '@jest/globals';
import { SAMPLE_CANDLES, readCandleCsv } from './index';
import { startEmulator, type Emulator, type EmulatorOptions } from './server';
import { gateClient, type Gate } from './testing/ccxt-client';

// Gate's spot semantics, through the real ccxt client.
let emu: Emulator;
let ex: Gate;

async function open(opts: EmulatorOptions = {}): Promise<Gate> {
  emu = await startEmulator({ prices: { BTC_USDT: '50000' }, balances: { USDT: '100000', BTC: '1' }, ...opts });
  ex = gateClient(emu);
  await ex.loadMarkets();
  return ex;
}

afterEach(async () => {
  await emu?.close();
});

const label = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return `${(e as Error).constructor.name} ${/"label":"([A-Z_]+)"/.exec((e as Error).message)?.[1] ?? ''}`.trim();
  }
  throw new Error('expected a rejection');
};

describe('start-up', () => {
  it('loadMarkets costs two requests with the recommended options', async () => {
    await open();
    expect(emu.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /margin/currency_pairs', 'GET /spot/currency_pairs']);
    const m = ex.market('BTC/USDT');
    expect(m.precision).toEqual(expect.objectContaining({ amount: 0.000001, price: 0.01 }));
    expect(m.limits.cost?.min).toBe(3);
    expect(m.limits.amount?.min).toBe(0.00001);
    expect(m.taker).toBe(0.002);
  });
});

describe('market orders with Gate semantics', () => {
  it("a market buy's amount is quote; the fee is taken in base", async () => {
    await open();
    const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 1000, undefined, { createMarketBuyOrderRequiresPrice: false });
    const info = o.info as Record<string, string>;
    expect(info['amount']).toBe('1000');
    expect(info['fee_currency']).toBe('BTC');
    const filled = Number(info['filled_amount']);
    const bal = (await ex.fetchBalance()).info as { currency: string; available: string }[];
    const btc = bal.find((b) => b.currency === 'BTC')!.available;
    // base received = filled − fee (0.2 %), on top of the 1 BTC held
    expect(btc).toBe((1 + filled - Number(info['fee'])).toFixed(8).replace(/0+$/, ''));
    expect(Number(info['filled_total'])).toBeLessThanOrEqual(1000);
  });

  it('a big order walks the book: the average is worse than the best ask', async () => {
    await open();
    const book = await ex.fetchOrderBook('BTC/USDT', 10);
    const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 40000, undefined, { createMarketBuyOrderRequiresPrice: false });
    expect(o.average).toBeGreaterThan(book.asks[0]![0]!);
    const trades = await ex.fetchMyTrades('BTC/USDT');
    expect(new Set(trades.map((t) => t.price)).size).toBeGreaterThan(1);
  });

  it('a sell pays its fee in quote', async () => {
    await open();
    const o = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.1);
    expect((o.info as Record<string, string>)['fee_currency']).toBe('USDT');
    expect(o.filled).toBe(0.1);
    expect(o.status).toBe('closed');
  });

  it.each([
    [
      'a buy below min_quote_amount',
      () => ex.createOrder('BTC/USDT', 'market', 'buy', 2, undefined, { createMarketBuyOrderRequiresPrice: false }),
      'BadRequest INVALID_PARAM_VALUE',
    ],
    ['a sell worth less than min_quote_amount', () => ex.createOrder('BTC/USDT', 'market', 'sell', 0.00005), 'BadRequest INVALID_PARAM_VALUE'],
    [
      'a sell below min_base_amount',
      () => ex.privateSpotPostOrders({ currency_pair: 'BTC_USDT', type: 'market', side: 'sell', amount: '0.000009', account: 'spot', time_in_force: 'ioc' }),
      'InvalidOrder AMOUNT_TOO_LITTLE',
    ],
    [
      'an amount off the grid',
      () => ex.privateSpotPostOrders({ currency_pair: 'BTC_USDT', type: 'market', side: 'sell', amount: '0.0010001', account: 'spot', time_in_force: 'ioc' }),
      'InvalidOrder INVALID_PRECISION',
    ],
    [
      'a price off the tick',
      () => ex.privateSpotPostOrders({ currency_pair: 'BTC_USDT', type: 'limit', side: 'buy', amount: '0.001', price: '40000.001', account: 'spot' }),
      'InvalidOrder INVALID_PRECISION',
    ],
    ['more than the balance', () => ex.createOrder('BTC/USDT', 'market', 'sell', 2), 'InsufficientFunds BALANCE_NOT_ENOUGH'],
    [
      'an unknown pair',
      () => ex.privateSpotPostOrders({ currency_pair: 'DOGE_USDT', type: 'market', side: 'sell', amount: '1', account: 'spot' }),
      'BadSymbol INVALID_CURRENCY_PAIR',
    ],
    [
      'a text without t-',
      () =>
        ex.privateSpotPostOrders({
          currency_pair: 'BTC_USDT',
          type: 'market',
          side: 'sell',
          amount: '0.001',
          account: 'spot',
          time_in_force: 'ioc',
          text: 'mine',
        }),
      'ExchangeError INVALID_TEXT',
    ],
  ])('rejects %s with Gate’s label', async (_what, send, expected) => {
    await open();
    expect(await label(send())).toBe(expected);
  });
});

describe('orders', () => {
  it('finds an order by id and by t- text, cancels it, and answers ORDER_CLOSED after', async () => {
    await open();
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000, { text: 't-find-me' });
    expect((await ex.fetchOrder(o.id as string, 'BTC/USDT')).status).toBe('open');
    expect((await ex.fetchOrder('', 'BTC/USDT', { clientOrderId: 't-find-me' })).id).toBe(o.id);
    const bal = await ex.fetchBalance();
    expect(bal['USDT']?.used).toBe(400);
    expect((await ex.cancelOrder(o.id as string, 'BTC/USDT')).status).toBe('canceled');
    expect(await label(ex.cancelOrder(o.id as string, 'BTC/USDT'))).toBe('InvalidOrder ORDER_CLOSED');
    expect(await label(ex.fetchOrder('', 'BTC/USDT', { clientOrderId: 't-nothing' }))).toBe('OrderNotFound CLIENT_ID_NOT_FOUND');
    expect((await ex.fetchBalance())['USDT']?.used).toBe(0);
  });

  it('a resting limit order fills when the price crosses it', async () => {
    await open();
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 49000);
    emu.setPrice('BTC_USDT', '48000');
    const after = await ex.fetchOrder(o.id as string, 'BTC/USDT');
    expect(after.status).toBe('closed');
    expect(after.filled).toBe(0.01);
    expect(after.average).toBe(49000);
  });

  it('cancel all returns the cancelled orders of the pair only', async () => {
    await open({ balances: { USDT: '100000', BTC: '1', ETH: '10' } });
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000);
    await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.01, 60000);
    await ex.createOrder('ETH/USDT', 'limit', 'sell', 1, 5000);
    const cancelled = await ex.cancelAllOrders('BTC/USDT');
    expect(cancelled).toHaveLength(2);
    expect(await ex.fetchOpenOrders('ETH/USDT')).toHaveLength(1);
  });
});

describe('countdown cancel-all', () => {
  // The emulator's clock may move, but only within the 60 s a signature stays valid.
  it('fires on time and cancels the open orders of its pair', async () => {
    let t = Date.now();
    await open({ now: () => t });
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000);
    const r = (await ex.privateSpotPostCountdownCancelAll({ timeout: 10, currency_pair: 'BTC_USDT' })) as { triggerTime: number };
    expect(r.triggerTime).toBe(t + 10_000);
    t += 9_000;
    expect(await ex.fetchOpenOrders('BTC/USDT')).toHaveLength(1);
    t += 2_000;
    expect(await ex.fetchOpenOrders('BTC/USDT')).toHaveLength(0);
  });

  it('is disarmed by timeout 0 and refreshed by a new call', async () => {
    let t = Date.now();
    await open({ now: () => t });
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000);
    await ex.privateSpotPostCountdownCancelAll({ timeout: 10, currency_pair: 'BTC_USDT' });
    t += 8_000;
    await ex.privateSpotPostCountdownCancelAll({ timeout: 10, currency_pair: 'BTC_USDT' });
    t += 8_000;
    expect(await ex.fetchOpenOrders('BTC/USDT')).toHaveLength(1);
    await ex.privateSpotPostCountdownCancelAll({ timeout: 0, currency_pair: 'BTC_USDT' });
    t += 20_000;
    expect(await ex.fetchOpenOrders('BTC/USDT')).toHaveLength(1);
  });
});

describe('prices from a candle file', () => {
  it('replays the file: candles rebased to now, the price follows the replay', async () => {
    const rows = readCandleCsv(SAMPLE_CANDLES);
    let t = 1_800_000_030_000;
    await open({ dataFile: SAMPLE_CANDLES, prices: {}, startIndex: 100, candleStepMs: 0, now: () => t });
    const bars = await ex.fetchOHLCV('BTC/USDT', '1m', undefined, 5);
    expect(bars.map((b) => b[4])).toEqual(rows.slice(96, 101).map((r) => Number(r.close)));
    expect(bars[4]![0]).toBe(Math.floor(t / 60_000) * 60_000);
    expect((await ex.fetchTicker('BTC/USDT')).last).toBe(Number(rows[100]!.close));
    emu.advance('BTC_USDT', 3);
    expect((await ex.fetchTicker('BTC/USDT')).last).toBe(Number(rows[103]!.close));
    // by wall time too, with a step
    t += 0;
    const five = await ex.fetchOHLCV('BTC/USDT', '5m', undefined, 3);
    expect(five).toHaveLength(3);
    expect(five.every((b) => b[0]! % 300_000 === 0)).toBe(true);
  });

  it('advances one candle per step of the clock', async () => {
    const rows = readCandleCsv(SAMPLE_CANDLES);
    let t = 1_800_000_000_000;
    await open({ dataFile: SAMPLE_CANDLES, prices: {}, startIndex: 0, candleStepMs: 1_000, now: () => t });
    t += 2_500;
    expect((await ex.fetchTicker('BTC/USDT')).last).toBe(Number(rows[2]!.close));
  });

  it('a settable price overrides the candles', async () => {
    await open({ dataFile: SAMPLE_CANDLES, prices: {} });
    emu.setPrice('BTC_USDT', '23456.78');
    const t = await ex.fetchTicker('BTC/USDT');
    expect(t.last).toBe(23456.78);
    expect(t.bid!).toBeLessThan(23456.78);
    expect(t.ask!).toBeGreaterThan(23456.78);
  });
});

describe('admin endpoints', () => {
  it('set a price, arm a fault, fund a balance, report state', async () => {
    await open();
    const post = (p: string, body: unknown) => fetch(`http://127.0.0.1:${emu.port}/__admin/${p}`, { method: 'POST', body: JSON.stringify(body) });
    await post('price', { pair: 'BTC_USDT', price: '61000' });
    expect((await ex.fetchTicker('BTC/USDT')).last).toBe(61000);
    await post('faults', { match: 'GET /spot/tickers', fault: { kind: 'status', status: 429 } });
    expect(await label(ex.fetchTicker('BTC/USDT'))).toBe('RateLimitExceeded TOO_MANY_REQUESTS');
    await post('balance', { currency: 'USDT', available: '5' });
    const state = (await (await fetch(`http://127.0.0.1:${emu.port}/__admin/state`)).json()) as { balances: Record<string, { available: string }> };
    expect(state.balances['USDT']?.available).toBe('5');
    await post('faults', { match: '*', fault: { kind: 'status', status: 503 } });
    expect(await label(ex.fetchTime())).toBe('ExchangeNotAvailable');
  });
});
