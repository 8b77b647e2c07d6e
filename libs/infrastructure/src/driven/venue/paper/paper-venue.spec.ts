import { dec, str, type Decimal } from '@cab/domain';
import { SequentialIds } from '@cab/domain/testing';
import type { BrokerResult, OrderDTO, PaperBalances, PaperLedgerStore } from '@cab/application';
import { brokerContract } from '../venue.contract';
import { REJECT } from '../reject-codes';
import { InMemoryPaperLedger } from './in-memory-ledger';
import { PaperVenue } from './paper-venue';
import { makePaperHarness, type PaperHarness } from './testing/paper-harness';
import { value, errorOf } from '@cab/application/testing';

brokerContract('PaperVenue', () => makePaperHarness());

const SYMBOL = 'BTC/USDT';

/** Orders and fills as plain text: decimals become strings, so equality is exact. */
const text = (x: unknown): string => JSON.stringify(x);

describe('PaperVenue', () => {
  let h: PaperHarness;
  afterEach(async () => {
    await h.close();
  });

  describe('determinism', () => {
    async function script(): Promise<string> {
      const run = await makePaperHarness({ startingBalances: { USDT: '100000' } });
      run.market.setPrice(SYMBOL, '43210.55');
      const out: OrderDTO[] = [];
      out.push(value(await run.broker.createMarketBuyQuote(SYMBOL, dec('1234.56'), 'det-1')));
      run.clock.advance(60_000);
      run.market.setPrice(SYMBOL, '43500.01', '0.001');
      out.push(value(await run.broker.createMarketBuyQuote(SYMBOL, dec('80000'), 'det-2')));
      run.clock.advance(60_000);
      out.push(value(await run.broker.createMarketSellBase(SYMBOL, dec('0.01234567'), 'det-3')));
      const trades = value(await run.broker.fetchMyTrades(SYMBOL));
      const balance = value(await run.broker.fetchBalance(SYMBOL));
      await run.close();
      return text({ out, trades, balance, saved: await run.saved() });
    }

    it('gives identical orders, fills and balances for the same inputs', async () => {
      h = await makePaperHarness();
      // Different wall clocks and random sources between the runs: only injected inputs may count.
      jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const random = jest.spyOn(Math, 'random').mockReturnValue(0.1);
      const a = await script();
      jest.setSystemTime(9_999_999_999);
      random.mockReturnValue(0.9);
      const b = await script();
      random.mockRestore();
      jest.useRealTimers();
      expect(a).toBe(b);
      expect(a).toContain('"det-3"');
    });
  });

  describe('slippage', () => {
    it('grows with the size of the order', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000000' } });
      h.market.setPrice(SYMBOL, '50000');
      const ask = value(await h.broker.fetchTicker(SYMBOL)).ask;
      const avg: Decimal[] = [];
      for (const [i, quote] of ['1000', '60000', '200000'].entries()) {
        const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec(quote), `slip-${i}`));
        expect(o.status).toBe('closed');
        avg.push(o.averagePrice!);
      }
      // A small order fills at the touch; bigger ones walk deeper levels and pay more on average.
      expect(str(avg[0]!)).toBe(str(ask));
      expect(avg[1]!.gt(avg[0]!)).toBe(true);
      expect(avg[2]!.gt(avg[1]!)).toBe(true);
    });

    it('takes one fill per book level walked', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '100000' } });
      h.market.setPrice(SYMBOL, '50000');
      // Levels hold 25,000 USDT each: 60,000 walks three of them.
      const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('60000'), 'levels'));
      expect(o.fills).toHaveLength(3);
      const prices = o.fills.map((f) => f.price);
      expect(prices[1]!.gt(prices[0]!)).toBe(true);
      expect(prices[2]!.gt(prices[1]!)).toBe(true);
    });

    it('sells into falling bids the same way', async () => {
      h = await makePaperHarness({ startingBalances: { BTC: '10' } });
      h.market.setPrice(SYMBOL, '50000');
      const small = value(await h.broker.createMarketSellBase(SYMBOL, dec('0.01'), 's-1'));
      const big = value(await h.broker.createMarketSellBase(SYMBOL, dec('3'), 's-2'));
      expect(big.averagePrice!.lt(small.averagePrice!)).toBe(true);
    });
  });

  describe('a thin book', () => {
    it('fills a buy partly and ends it canceled with what filled (IOC)', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000' } });
      h.market.setBook(SYMBOL, {
        bids: [['49990', '0.001']],
        asks: [
          ['50000', '0.001'],
          ['50010', '0.001'],
        ],
      });
      const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('500'), 'thin-buy'));
      expect(o.status).toBe('canceled');
      expect(str(o.filledBase)).toBe('0.002');
      expect(str(o.filledQuote)).toBe('100.01');
      expect(str(o.averagePrice!)).toBe('50005');
      expect(str(o.fee)).toBe('0.000004');
      const b = value(await h.broker.fetchBalance(SYMBOL));
      expect(str(b.freeQuote)).toBe('899.99');
      expect(str(b.freeBase)).toBe('0.001996');
    });

    it('fills a sell partly and keeps the rest of the base', async () => {
      h = await makePaperHarness({ startingBalances: { BTC: '0.01' } });
      h.market.setBook(SYMBOL, { bids: [['50000', '0.002']], asks: [['50010', '1']] });
      const o = value(await h.broker.createMarketSellBase(SYMBOL, dec('0.005'), 'thin-sell'));
      expect(o.status).toBe('canceled');
      expect(str(o.requestedBase!)).toBe('0.005');
      expect(str(o.filledBase)).toBe('0.002');
      expect(str(o.filledQuote)).toBe('100');
      expect(str(o.fee)).toBe('0.2');
      expect(o.feeCurrency).toBe('USDT');
      const b = value(await h.broker.fetchBalance(SYMBOL));
      expect(str(b.freeBase)).toBe('0.008');
      expect(str(b.freeQuote)).toBe('99.8');
    });

    it('ends a buy against an empty ask side canceled with nothing filled and nothing spent', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000' } });
      h.market.setBook(SYMBOL, { bids: [['49990', '1']], asks: [] });
      const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'empty'));
      expect(o.status).toBe('canceled');
      expect(str(o.filledBase)).toBe('0');
      expect(o.fills).toEqual([]);
      expect(o.feeCurrency).toBeNull();
      expect(o.averagePrice).toBeNull();
      expect(str(value(await h.broker.fetchBalance(SYMBOL)).freeQuote)).toBe('1000');
    });

    it('closes a buy whose leftover quote cannot buy one more amount step (dust)', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000' } });
      h.market.setBook(SYMBOL, { bids: [['49990', '1']], asks: [['50000', '1']] });
      const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('100.04'), 'dust'));
      // 100.04 / 50000 = 0.0020008 → 0.002 BTC for 100 USDT; 0.04 USDT buys less than 0.000001 BTC.
      expect(o.status).toBe('closed');
      expect(str(o.filledBase)).toBe('0.002');
      expect(str(o.filledQuote)).toBe('100');
    });
  });

  describe('persistence through the ledger', () => {
    it('seeds the ledger from the starting balances on first start', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '10000' } });
      expect(await h.saved()).toBeNull();
      expect(str(value(await h.broker.fetchBalance(SYMBOL)).freeQuote)).toBe('10000');
      expect(await h.saved()).toEqual({ USDT: { free: '10000', used: '0' } });
    });

    it('loads (or seeds) the account when asked, before any other call', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '7' } });
      expect(value(await h.broker.ready())).toBeUndefined();
      expect(await h.saved()).toEqual({ USDT: { free: '7', used: '0' } });
      expect(h.ledger.saves).toBe(1);
      value(await h.broker.ready());
      expect(h.ledger.saves).toBe(1);
    });

    it('saves after every change and restarts from the saved account, not the settings', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '10000' } });
      h.market.setPrice(SYMBOL, '50000');
      const buy = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('1000'), 'p-1'));
      const saves = h.ledger.saves;
      value(await h.broker.createMarketSellBase(SYMBOL, dec('0.001'), 'p-2'));
      expect(h.ledger.saves).toBe(saves + 1);
      const before = value(await h.broker.fetchBalance(SYMBOL));
      await h.close();

      const again = await makePaperHarness({ ledger: h.ledger, startingBalances: { USDT: '1' } });
      const after = value(await again.broker.fetchBalance(SYMBOL));
      await again.close();
      expect(text(after)).toBe(text(before));
      expect(str(after.freeBase)).toBe(str(buy.filledBase.minus(buy.fee).minus('0.001')));
      // Orders are saved with the balances: the restarted broker answers for the old one as before.
      expect(text(value(await again.broker.fetchOrder(SYMBOL, { id: buy.id })))).toBe(text(buy));
    });

    it('keeps a resting order and the balance it locks across a restart', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000' } });
      h.market.setPrice(SYMBOL, '50000');
      const rest = await h.createRestingOrder(SYMBOL, 'buy', dec('0.01'), dec('40000'), 'rest');
      expect(await h.saved()).toEqual({ USDT: { free: '600', used: '400' } });

      const again = await makePaperHarness({ ledger: h.ledger, ids: new SequentialIds('again-') });
      const b = value(await again.broker.fetchBalance(SYMBOL));
      expect([str(b.freeQuote), str(b.usedQuote)]).toEqual(['600', '400']);
      expect(text(value(await again.broker.fetchOpenOrders(SYMBOL)))).toBe(text([rest]));
      // Its limit price came back too: canceling releases exactly what it locked.
      value(await again.broker.cancelAllOrders(SYMBOL));
      expect(await again.saved()).toEqual({ USDT: { free: '1000', used: '0' } });
      await again.close();
    });

    it('releases a locked balance that no saved open order holds (a ledger from before orders were saved)', async () => {
      h = await makePaperHarness({ ledger: new InMemoryPaperLedger({ USDT: { free: '600', used: '400' } }) });
      const b = value(await h.broker.fetchBalance(SYMBOL));
      expect([str(b.freeQuote), str(b.usedQuote)]).toEqual(['1000', '0']);
      expect(value(await h.broker.fetchOpenOrders(SYMBOL))).toEqual([]);
      expect(await h.saved()).toEqual({ USDT: { free: '1000', used: '0' } });
    });

    it('reports a failed save as retryable and changes nothing', async () => {
      const inner = new InMemoryPaperLedger({ USDT: { free: '1000', used: '0' } });
      let broken = false;
      const ledger: PaperLedgerStore = {
        load: () => inner.load(),
        loadOrders: (since) => inner.loadOrders(since),
        save: async (b: PaperBalances, change) => {
          if (broken) throw new Error('disk full');
          await inner.save(b, change);
        },
      };
      h = await makePaperHarness({ ledger: inner });
      const broker = new PaperVenue({ market: h.market, ledger, clock: h.clock, ids: new SequentialIds(), startingBalances: {} });
      h.market.setPrice(SYMBOL, '50000');
      expect(str(value(await broker.fetchBalance(SYMBOL)).freeQuote)).toBe('1000');
      broken = true;
      const r = await broker.createMarketBuyQuote(SYMBOL, dec('100'), 'lost');
      expect(errorOf(r)).toEqual({ kind: 'retryable', code: 'PAPER.LEDGER_UNAVAILABLE' });
      expect(str(value(await broker.fetchBalance(SYMBOL)).freeQuote)).toBe('1000');
      expect(errorOf(await broker.fetchOrder(SYMBOL, { clientOrderId: 'lost' }))).toEqual({ kind: 'rejected', code: REJECT.NOT_FOUND });
      expect(value(await broker.fetchMyTrades(SYMBOL))).toEqual([]);
      broken = false;
      value(await broker.createMarketBuyQuote(SYMBOL, dec('100'), 'kept'));
      expect(str(value(await broker.fetchBalance(SYMBOL)).freeQuote).startsWith('900')).toBe(true);
    });
    it('restores nothing twice when a load fails after reading the orders and is retried', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000' } });
      h.market.setPrice(SYMBOL, '50000');
      const buy = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'b-1'));
      await h.close();
      // A lock no open order holds makes the load save the released balances: that save fails once.
      const saved = (await h.ledger.load())!;
      await h.ledger.save({ ...saved, USDT: { free: '800', used: '100' } });
      let fails = 1;
      const ledger: PaperLedgerStore = {
        load: () => h.ledger.load(),
        loadOrders: (since) => h.ledger.loadOrders(since),
        save: async (b: PaperBalances, change) => {
          if (fails-- > 0) throw new Error('database is locked');
          await h.ledger.save(b, change);
        },
      };
      const broker = new PaperVenue({ market: h.market, ledger, clock: h.clock, ids: new SequentialIds('again-'), startingBalances: {} });
      expect(errorOf(await broker.fetchMyTrades(SYMBOL))).toEqual({ kind: 'retryable', code: 'PAPER.LEDGER_UNAVAILABLE' });
      expect(text(value(await broker.fetchMyTrades(SYMBOL)))).toBe(text(buy.fills));
      expect(broker.retained()).toEqual({ orders: 1, fills: buy.fills.length });
      expect(str(value(await broker.fetchBalance(SYMBOL)).freeQuote)).toBe('900');
    });

    it('reports a failed load as retryable and loads again on the next call', async () => {
      let fails = 1;
      const inner = new InMemoryPaperLedger({ USDT: { free: '42', used: '0' } });
      const ledger: PaperLedgerStore = {
        load: async () => {
          if (fails-- > 0) throw new Error('database is locked');
          return inner.load();
        },
        loadOrders: (since) => inner.loadOrders(since),
        save: (b: PaperBalances, change) => inner.save(b, change),
      };
      h = await makePaperHarness({ ledger: inner });
      const broker = new PaperVenue({ market: h.market, ledger, clock: h.clock, ids: new SequentialIds(), startingBalances: { USDT: '1' } });
      expect(errorOf(await broker.fetchBalance(SYMBOL))).toEqual({ kind: 'retryable', code: 'PAPER.LEDGER_UNAVAILABLE' });
      expect(str(value(await broker.fetchBalance(SYMBOL)).freeQuote)).toBe('42');
    });
  });

  describe('one account, one call at a time', () => {
    it('never lets two concurrent buys spend the same balance', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '150' } });
      h.market.setPrice(SYMBOL, '50000');
      const [a, b] = await Promise.all([
        h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'race-a'),
        h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'race-b'),
      ]);
      expect(a.ok).toBe(true);
      expect(errorOf(b)).toEqual({ kind: 'rejected', code: REJECT.BALANCE });
      const spent = value(a).filledQuote;
      expect(str(value(await h.broker.fetchBalance(SYMBOL)).freeQuote)).toBe(str(dec('150').minus(spent)));
    });
  });

  describe('refusals', () => {
    beforeEach(async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000', BTC: '1' } });
      h.market.setPrice(SYMBOL, '50000');
    });

    it('answers retryable NO_MARKET_DATA when there is no price, and changes nothing', async () => {
      h.market.clear(SYMBOL);
      expect(errorOf(await h.broker.fetchTicker(SYMBOL))).toEqual({ kind: 'retryable', code: 'PAPER.NO_MARKET_DATA' });
      expect(errorOf(await h.broker.fetchOrderBook(SYMBOL))).toEqual({ kind: 'retryable', code: 'PAPER.NO_MARKET_DATA' });
      expect(errorOf(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'x'))).toEqual({ kind: 'retryable', code: 'PAPER.NO_MARKET_DATA' });
      expect(errorOf(await h.broker.createMarketSellBase(SYMBOL, dec('0.01'), 'y'))).toEqual({ kind: 'retryable', code: 'PAPER.NO_MARKET_DATA' });
      expect(str(value(await h.broker.fetchBalance(SYMBOL)).freeQuote)).toBe('1000');
    });

    it('rejects a symbol it does not trade', async () => {
      for (const r of <BrokerResult<unknown>[]>[
        await h.broker.instrument('DOGE/USDT'),
        await h.broker.fetchTicker('DOGE/USDT'),
        await h.broker.fetchBalance('DOGE/USDT'),
        await h.broker.createMarketBuyQuote('DOGE/USDT', dec('10'), 'd'),
        await h.broker.cancelAllOrders('DOGE/USDT'),
      ])
        expect(errorOf(r)).toEqual({ kind: 'rejected', code: REJECT.UNKNOWN_SYMBOL });
    });

    it('rejects a client order id Gate would not take as text', async () => {
      expect(errorOf(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'has space'))).toEqual({
        kind: 'rejected',
        code: REJECT.INVALID_CLIENT_ID,
      });
      expect(errorOf(await h.broker.createMarketSellBase(SYMBOL, dec('0.01'), 'x'.repeat(31)))).toEqual({
        kind: 'rejected',
        code: REJECT.INVALID_CLIENT_ID,
      });
    });

    it('rejects a sell that rounds down to less than the minimum base amount', async () => {
      expect(errorOf(await h.broker.createMarketSellBase(SYMBOL, dec('0.0000099'), 'tiny'))).toEqual({
        kind: 'rejected',
        code: REJECT.MIN_BASE,
      });
    });

    it('rejects a resting order off the price grid or below the minimums', async () => {
      expect(errorOf(await h.broker.placeRestingOrder(SYMBOL, 'buy', dec('0.001'), dec('40000.005'), 'r-1'))).toEqual({
        kind: 'rejected',
        code: REJECT.PRECISION,
      });
      expect(errorOf(await h.broker.placeRestingOrder(SYMBOL, 'buy', dec('0.00005'), dec('40000'), 'r-2'))).toEqual({
        kind: 'rejected',
        code: REJECT.MIN_NOTIONAL,
      });
      expect(errorOf(await h.broker.placeRestingOrder(SYMBOL, 'sell', dec('0.000005'), dec('60000'), 'r-3'))).toEqual({
        kind: 'rejected',
        code: REJECT.MIN_BASE,
      });
      expect(errorOf(await h.broker.placeRestingOrder(SYMBOL, 'sell', dec('2'), dec('60000'), 'r-4'))).toEqual({
        kind: 'rejected',
        code: REJECT.BALANCE,
      });
      expect(value(await h.broker.fetchOpenOrders(SYMBOL))).toEqual([]);
    });
  });

  describe('lookups', () => {
    it('finds the latest order for a reused client order id (Gate does not reject duplicates)', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000' } });
      h.market.setPrice(SYMBOL, '50000');
      value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'dup'));
      const second = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('20'), 'dup'));
      expect(value(await h.broker.fetchOrder(SYMBOL, { clientOrderId: 'dup' })).id).toBe(second.id);
    });

    it('does not find an order under another symbol', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000' } });
      h.market.setPrice(SYMBOL, '50000');
      const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'sym'));
      expect(errorOf(await h.broker.fetchOrder('ETH/USDT', { id: o.id }))).toEqual({ kind: 'rejected', code: REJECT.NOT_FOUND });
    });

    it('lists trades since a time', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000' } });
      h.market.setPrice(SYMBOL, '50000');
      value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'early'));
      h.clock.advance(1_000);
      const since = h.clock.now();
      const late = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'late'));
      const trades = value(await h.broker.fetchMyTrades(SYMBOL, since));
      expect(trades.map((t) => t.orderId)).toEqual([late.id]);
      expect(value(await h.broker.fetchMyTrades(SYMBOL))).toHaveLength(2);
    });

    it('hands out copies: changing a returned order does not change the broker', async () => {
      h = await makePaperHarness({ startingBalances: { USDT: '1000' } });
      h.market.setPrice(SYMBOL, '50000');
      const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'copy'));
      o.status = 'open';
      o.fills.length = 0;
      const again = value(await h.broker.fetchOrder(SYMBOL, { id: o.id }));
      expect(again.status).toBe('closed');
      expect(again.fills).toHaveLength(1);
    });
  });

  describe('other instruments', () => {
    it('trades ETH/USDT on its own grid', async () => {
      h = await makePaperHarness({ symbol: 'ETH/USDT', startingBalances: { USDT: '1000' } });
      h.market.setPrice('ETH/USDT', '3000');
      const o = value(await h.broker.createMarketBuyQuote('ETH/USDT', dec('100'), 'eth'));
      expect(o.filledBase.mod('0.0001').eq('0')).toBe(true);
      expect(o.feeCurrency).toBe('ETH');
    });

    it('takes instruments from options', async () => {
      h = await makePaperHarness({
        broker: {
          instruments: [
            {
              symbol: 'SOL/USDC',
              base: 'SOL',
              quote: 'USDC',
              priceTick: '0.001',
              amountStep: '0.01',
              minBase: '0.01',
              minNotional: '1',
              takerFee: '0.001',
              makerFee: '0.001',
            },
          ],
        },
        startingBalances: { USDC: '100' },
      });
      h.market.setPrice('SOL/USDC', '150');
      const o = value(await h.broker.createMarketBuyQuote('SOL/USDC', dec('30'), 'sol'));
      expect(o.feeCurrency).toBe('SOL');
      expect(str(o.fee)).toBe(str(o.filledBase.times('0.001')));
      expect(errorOf(await h.broker.instrument(SYMBOL))).toEqual({ kind: 'rejected', code: REJECT.UNKNOWN_SYMBOL });
    });
  });
});
