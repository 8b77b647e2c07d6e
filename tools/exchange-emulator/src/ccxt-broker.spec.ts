import { afterEach, describe, expect, it } from '@jest/globals';
import { dec, str } from '@cab/domain';
import type { BrokerResult } from '@cab/application';
import { GateVenue, ccxtExchangeId, REJECT } from '@cab/infrastructure';
import { makeCcxtHarness, type CcxtHarness } from './testing/ccxt-harness';
import { value } from '@cab/application/testing';

// GateVenue behaviour beyond the shared contract, against the emulator.
const SYMBOL = 'BTC/USDT';

function error<T>(r: BrokerResult<T>) {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
}

let h: CcxtHarness;
afterEach(async () => {
  await h?.close();
});

const posts = () => h.emu.requests.filter((r) => r.method === 'POST' && r.path === '/spot/orders');

describe('GateVenue', () => {
  it('EXCHANGE=gateio maps to ccxt gate; anything else is refused', () => {
    expect(ccxtExchangeId('gateio')).toBe('gate');
    expect(ccxtExchangeId('GATE')).toBe('gate');
    expect(
      () =>
        new GateVenue({
          exchange: 'binance',
          apiKey: 'k',
          apiSecret: 's',
          timeoutMs: 1,
          retry: { attempts: 1, baseMs: 1, maxMs: 1 },
          breaker: { failures: 1, cooldownMs: 1 },
        }),
    ).toThrow(/only gateio/);
  });

  it('loads markets once (two requests) and caches the instruments', async () => {
    h = await makeCcxtHarness();
    const a = value(await h.broker.instrument(SYMBOL));
    value(await h.broker.instrument('ETH/USDT'));
    value(await h.broker.instrument(SYMBOL));
    expect(h.emu.requests.map((r) => r.path).sort()).toEqual(['/margin/currency_pairs', '/spot/currency_pairs']);
    expect([str(a.amountStep), str(a.priceTick), str(a.minBase), str(a.minNotional), str(a.takerFee)]).toEqual(['0.000001', '0.01', '0.00001', '3', '0.002']);
  });

  it('an unknown symbol is rejected with Gate’s label', async () => {
    h = await makeCcxtHarness();
    expect(error(await h.broker.instrument('DOGE/USDT'))).toMatchObject({ kind: 'rejected', code: REJECT.UNKNOWN_SYMBOL });
    expect(error(await h.broker.fetchOrderBook('btc-usdt'))).toMatchObject({ kind: 'rejected', code: REJECT.UNKNOWN_SYMBOL });
    expect(error(await h.broker.fetchTicker('DOGE/USDT'))).toMatchObject({ kind: 'rejected', code: REJECT.UNKNOWN_SYMBOL });
    expect(error(await h.broker.fetchBalance('DOGE/USDT'))).toMatchObject({ kind: 'rejected', code: REJECT.UNKNOWN_SYMBOL });
  });

  it('pre-checks min base and the client id before sending anything', async () => {
    h = await makeCcxtHarness();
    await h.fund({ USDT: '1000', BTC: '1' });
    expect(error(await h.broker.createMarketSellBase(SYMBOL, dec('0.0000059'), 't-small'))).toMatchObject({ kind: 'rejected', code: REJECT.MIN_BASE });
    expect(error(await h.broker.createMarketSellBase(SYMBOL, dec('0.0000001'), 't-zero'))).toMatchObject({ kind: 'rejected', code: REJECT.MIN_NOTIONAL });
    expect(error(await h.broker.createMarketBuyQuote(SYMBOL, dec('2.999'), 't-cheap'))).toMatchObject({ kind: 'rejected', code: REJECT.MIN_NOTIONAL });
    expect(error(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'has space'))).toMatchObject({ kind: 'rejected', code: REJECT.INVALID_CLIENT_ID });
    expect(error(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), `t-${'x'.repeat(29)}`))).toMatchObject({
      kind: 'rejected',
      code: REJECT.INVALID_CLIENT_ID,
    });
    expect(posts()).toHaveLength(0);
  });

  it("sends the client id as Gate's text (adding t- when missing) and the quote on the price grid", async () => {
    h = await makeCcxtHarness();
    await h.fund({ USDT: '1000' });
    const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('100.129'), 'k3f9a1'));
    expect(JSON.parse(posts()[0]!.body)).toMatchObject({
      currency_pair: 'BTC_USDT',
      type: 'market',
      side: 'buy',
      amount: '100.12',
      text: 't-k3f9a1',
      account: 'spot',
    });
    expect(o.clientOrderId).toBe('t-k3f9a1');
    expect(str(o.requestedQuote!)).toBe('100.12');
    expect(value(await h.broker.fetchOrder(SYMBOL, { clientOrderId: 'k3f9a1' })).id).toBe(o.id);
  });

  it('reads fills with their fee currency, since a time, a full page at a time', async () => {
    h = await makeCcxtHarness();
    await h.fund({ USDT: '1000', BTC: '0.01' });
    const buy = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 't-f1'));
    const sell = value(await h.broker.createMarketSellBase(SYMBOL, dec('0.001'), 't-f2'));
    const fills = value(await h.broker.fetchMyTrades(SYMBOL));
    expect(fills.find((f) => f.orderId === buy.id)?.feeCurrency).toBe('BTC');
    expect(fills.find((f) => f.orderId === sell.id)?.feeCurrency).toBe('USDT');
    expect(h.emu.requests.filter((r) => r.path === '/spot/my_trades').at(-1)?.query).toContain('limit=1000');
    const later = value(await h.broker.fetchMyTrades(SYMBOL, Date.now() + 5_000));
    expect(later).toEqual([]);
  });

  describe('reads every fill since a time, however many pages and 30-day windows Gate needs', () => {
    const DAY = 86_400_000;
    /** Market buys placed straight on the emulator's engine until it holds `n` trades. */
    function trade(n: number): void {
      for (let i = 0; h.emu.exchange.trades.length < n; i++) {
        h.emu.exchange.createOrder({
          currency_pair: 'BTC_USDT',
          type: 'market',
          side: 'buy',
          amount: '5',
          text: `t-p${i}`,
          account: 'spot',
          time_in_force: 'ioc',
        });
      }
    }
    const tradeRequests = () => h.emu.requests.filter((r) => r.path === '/spot/my_trades').map((r) => new URLSearchParams(r.query));

    it('pages past Gate’s 1,000-row maximum: the oldest fills are on the last page', async () => {
      h = await makeCcxtHarness({ emulator: { keepRequests: 1_000 } });
      await h.fund({ USDT: '1000000' });
      const since = Date.now() - 60_000;
      trade(2_500);
      const oldest = h.emu.exchange.trades[0]!;
      const fills = value(await h.broker.fetchMyTrades(SYMBOL, since));
      expect(fills).toHaveLength(h.emu.exchange.trades.length);
      expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
      expect(fills[0]!.id).toBe(oldest.id);
      expect(tradeRequests().map((q) => [q.get('page'), q.get('limit')])).toEqual([
        ['1', '1000'],
        ['2', '1000'],
        ['3', '1000'],
      ]);
    });

    it('a look-back longer than 30 days is read in closed windows Gate accepts, to the end', async () => {
      let offset = 0;
      h = await makeCcxtHarness({ emulator: { now: () => Date.now() + offset, keepRequests: 1_000 } });
      await h.fund({ USDT: '1000000' });
      const ids: string[] = [];
      for (const daysAgo of [44, 40, 20, 3, 0]) {
        offset = -daysAgo * DAY;
        const before = h.emu.exchange.trades.length;
        trade(before + 1);
        ids.push(...h.emu.exchange.trades.slice(before).map((t) => t.id));
      }
      offset = 0;
      const fills = value(await h.broker.fetchMyTrades(SYMBOL, Date.now() - 45 * DAY));
      expect(fills.map((f) => f.id)).toEqual(ids);
      const qs = tradeRequests();
      expect(qs.length).toBeGreaterThanOrEqual(2);
      // Both ends always: with only `from` Gate answers the 7 days after it.
      for (const q of qs) {
        expect(q.has('from') && q.has('to')).toBe(true);
        expect(Number(q.get('to')) - Number(q.get('from'))).toBeLessThanOrEqual(30 * 86_400);
      }
    });

    it('a 10-day look-back gets the fills of today too (Gate’s 7-day answer to a range without `to`)', async () => {
      let offset = -10 * DAY + 60_000;
      h = await makeCcxtHarness({ emulator: { now: () => Date.now() + offset } });
      await h.fund({ USDT: '1000000' });
      trade(1);
      offset = 0;
      trade(2);
      const fills = value(await h.broker.fetchMyTrades(SYMBOL, Date.now() - 10 * DAY));
      expect(fills.map((f) => f.id)).toEqual(h.emu.exchange.trades.map((t) => t.id));
    });

    it('a fill older than its window is kept: Gate selects by the order’s finish time', async () => {
      let offset = -40 * DAY;
      h = await makeCcxtHarness({ emulator: { now: () => Date.now() + offset } });
      await h.fund({ USDT: '1000000' });
      // A limit buy at the best ask takes that level and rests for the rest: a fill 40 days ago…
      const ask = h.emu.exchange.feed('BTC_USDT').orderBook().asks[0]!;
      const o = h.emu.exchange.createOrder({ currency_pair: 'BTC_USDT', type: 'limit', side: 'buy', amount: '1', price: ask.price, account: 'spot' });
      expect(o.status).toBe('open');
      expect(h.emu.exchange.trades).toHaveLength(1);
      // …of an order that finished 5 days ago, in the second window of a 45-day look-back.
      offset = -5 * DAY;
      h.emu.exchange.cancel(o.id);
      offset = 0;
      const fills = value(await h.broker.fetchMyTrades(SYMBOL, Date.now() - 45 * DAY));
      expect(fills.map((f) => f.orderId)).toEqual([o.id]);
    });

    it('more pages than it may read is an error, never a shorter list', async () => {
      h = await makeCcxtHarness({ broker: { maxTradeRequests: 2 } });
      await h.fund({ USDT: '1000000' });
      const since = Date.now() - 60_000;
      trade(2_001);
      expect(error(await h.broker.fetchMyTrades(SYMBOL, since))).toMatchObject({ kind: 'retryable', code: 'TRADES_TOO_MANY' });
    });
  });

  it('reads the order book as decimals, best first, to the depth asked', async () => {
    h = await makeCcxtHarness();
    const b = value(await h.broker.fetchOrderBook(SYMBOL, 3));
    expect(b.asks).toHaveLength(3);
    expect(b.asks[0]!.price.lt(b.asks[1]!.price)).toBe(true);
    expect(b.bids[0]!.price.gt(b.bids[1]!.price)).toBe(true);
    expect(b.ts).toBeGreaterThan(0);
  });
});
