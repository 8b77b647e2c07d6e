/**
 * The broker contract: one suite of specs every Broker adapter must pass (PaperVenue, and
 * GateVenue against the Gate.io emulator), so paper and live differ only in which adapter is
 * wired in (docs/lessons.md #9). Run it from a spec: `brokerContract('paper', makePaperHarness)`.
 *
 * Assertions are on decimals (`eq`, `str`), never on floats. The suite asserts Gate's semantics,
 * not one adapter's numbers: a market buy spends QUOTE and pays its fee in BASE, a sell pays in
 * quote, amounts are rounded down onto the grid, rejections carry Gate's labels as codes, market
 * orders are IOC (closed or canceled, never open) and the filled amounts are the truth.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { clientOrderId, dec, str, type Decimal, type Instrument, type Side } from '@cab/domain';
import { isNotFoundOn, type BalanceDTO, type Broker, type BrokerResult, type OrderDTO } from '@cab/application';
import { REJECT } from './reject-codes';
import { value } from '@cab/application/testing';

/**
 * What a spec needs beyond the Broker port. Each world implements the controls with its own
 * means (the paper harness drives its settable market and ledger; the emulator harness calls
 * the emulator's admin side).
 */
export interface BrokerHarness {
  broker: Broker;
  /** The symbol the specs trade, e.g. "BTC/USDT". Its instrument must have minNotional > 0 and a taker fee > 0. */
  symbol: string;
  /**
   * Quotes the market around `price`: best bid and ask within 0.1 % of it, and at least
   * 10,000 quote of depth on each side within 1 % of it (the specs trade at most 1,000).
   */
  setPrice(symbol: string, price: Decimal): Promise<void>;
  /** Sets the FREE balance of each listed currency (e.g. {USDT: "1000", BTC: "0"}); `used` is untouched. */
  fund(balances: Record<string, string>): Promise<void>;
  /**
   * Creates one resting limit order (it must stay open until canceled) by the world's own means,
   * locking balance as Gate does: amount × price of quote for a buy, the amount of base for a sell.
   */
  createRestingOrder(symbol: string, side: Side, amount: Decimal, price: Decimal, clientOrderId: string): Promise<OrderDTO>;
  /** Closes the broker and whatever the harness started. */
  close(): Promise<void>;
}

const PRICE = dec('50000');

function rejection<T>(r: BrokerResult<T>): { kind: string; code: string } {
  if (r.ok) throw new Error(`expected a rejection, got ok: ${JSON.stringify(r.value)}`);
  return { kind: r.error.kind, code: r.error.code };
}

/** |a − b| ≤ tol, on decimals. */
function near(a: Decimal, b: Decimal, tol: string): boolean {
  return a.minus(b).abs().lte(dec(tol));
}

function balanceText(b: BalanceDTO): Record<string, string> {
  return { freeBase: str(b.freeBase), freeQuote: str(b.freeQuote), usedBase: str(b.usedBase), usedQuote: str(b.usedQuote) };
}

export function brokerContract(name: string, make: () => Promise<BrokerHarness>): void {
  describe(`Broker contract: ${name}`, () => {
    let h: BrokerHarness;
    let broker: Broker;
    let symbol: string;
    let inst: Instrument;

    beforeEach(async () => {
      h = await make();
      broker = h.broker;
      symbol = h.symbol;
      inst = value(await broker.instrument(symbol));
      await h.setPrice(symbol, PRICE);
    });

    afterEach(async () => {
      await h.close();
    });

    const balance = async (): Promise<BalanceDTO> => value(await broker.fetchBalance(symbol));
    const fund = (quote: string, base: string) => h.fund({ [inst.quote]: quote, [inst.base]: base });

    it('describes the instrument: grid, minimums and fee', () => {
      expect(inst.symbol).toBe(symbol);
      expect(inst.amountStep.gt('0')).toBe(true);
      expect(inst.priceTick.gt('0')).toBe(true);
      expect(inst.minNotional.gt('0')).toBe(true);
      expect(inst.takerFee.gt('0')).toBe(true);
    });

    it('quotes a ticker and a book around the price it was given', async () => {
      const t = value(await broker.fetchTicker(symbol));
      expect(t.symbol).toBe(symbol);
      expect(t.bid.lte(t.ask)).toBe(true);
      expect(near(t.bid, PRICE, '50')).toBe(true);
      expect(near(t.ask, PRICE, '50')).toBe(true);
      const book = value(await broker.fetchOrderBook(symbol, 5));
      expect(book.asks.length).toBeGreaterThan(0);
      expect(book.bids.length).toBeGreaterThan(0);
      expect(book.asks.length).toBeLessThanOrEqual(5);
      expect(book.bids[0]!.price.lte(book.asks[0]!.price)).toBe(true);
    });

    describe('buy by quote', () => {
      it('spends quote, receives base minus the fee taken in base', async () => {
        await fund('1000', '0');
        const o = value(await broker.createMarketBuyQuote(symbol, dec('100'), 't-ct-buy-1'));
        expect(o.side).toBe('buy');
        expect(o.type).toBe('market');
        expect(o.symbol).toBe(symbol);
        expect(o.clientOrderId).toBe('t-ct-buy-1');
        expect(o.status).toBe('closed'); // filled in full against a deep book
        expect(str(o.requestedQuote!)).toBe('100');
        expect(o.filledBase.gt('0')).toBe(true);
        expect(o.filledQuote.lte(dec('100'))).toBe(true);
        expect(o.filledQuote.gte(dec('99'))).toBe(true);
        expect(o.averagePrice).not.toBeNull();
        expect(near(o.averagePrice!, PRICE, '500')).toBe(true);
        expect(o.feeCurrency).toBe(inst.base);
        expect(o.fee.gt('0')).toBe(true);
        expect(near(o.fee, o.filledBase.times(inst.takerFee), '0.00000001')).toBe(true);

        const b = await balance();
        expect(str(b.freeQuote)).toBe(str(dec('1000').minus(o.filledQuote)));
        expect(str(b.freeBase)).toBe(str(o.filledBase.minus(o.fee)));
        expect(str(b.usedQuote)).toBe('0');
        expect(str(b.usedBase)).toBe('0');
      });
    });

    describe('client order ids', () => {
      it('accepts the longest id the domain derives in the broker\'s declared format (28 characters, "t-" included)', async () => {
        await fund('1000', '0');
        const id = clientOrderId('1000SATS/USDT:buy:1763950000000', broker.capabilities.clientOrderIds);
        expect(id).toHaveLength(28);
        const o = value(await broker.createMarketBuyQuote(symbol, dec('10'), id));
        expect(o.clientOrderId).toBe(id);
        expect(value(await broker.fetchOrder(symbol, { clientOrderId: id })).id).toBe(o.id);
      });

      it('refuses a longer id as a value, before anything is sent', async () => {
        await fund('1000', '0');
        const r = await broker.createMarketBuyQuote(symbol, dec('10'), 't-0123456789012345678901234567');
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.kind).toBe('rejected');
        expect(str((await balance()).freeQuote)).toBe('1000');
      });
    });

    describe('sell by base', () => {
      it('sells the base amount and pays the fee in quote', async () => {
        await fund('0', '0.01');
        const o = value(await broker.createMarketSellBase(symbol, dec('0.004'), 't-ct-sell-1'));
        expect(o.side).toBe('sell');
        expect(o.type).toBe('market');
        expect(o.clientOrderId).toBe('t-ct-sell-1');
        expect(o.status).toBe('closed'); // filled in full against a deep book
        expect(str(o.requestedBase!)).toBe('0.004');
        expect(str(o.filledBase)).toBe('0.004');
        expect(near(o.filledQuote, dec('0.004').times(PRICE), '2')).toBe(true);
        expect(o.feeCurrency).toBe(inst.quote);
        expect(near(o.fee, o.filledQuote.times(inst.takerFee), '0.00000001')).toBe(true);

        const b = await balance();
        expect(str(b.freeBase)).toBe('0.006');
        expect(str(b.freeQuote)).toBe(str(o.filledQuote.minus(o.fee)));
      });
    });

    describe('min-notional rejection', () => {
      it('rejects a buy below the minimum order value and changes nothing', async () => {
        await fund('1000', '0');
        const before = balanceText(await balance());
        const r = await broker.createMarketBuyQuote(symbol, inst.minNotional.div('2'), 't-ct-min-buy');
        expect(rejection(r)).toEqual({ kind: 'rejected', code: REJECT.MIN_NOTIONAL });
        expect(balanceText(await balance())).toEqual(before);
        expect(value(await broker.fetchMyTrades(symbol))).toEqual([]);
      });

      it('rejects a sell worth less than the minimum order value and changes nothing', async () => {
        await fund('0', '1');
        const base = inst.qty(inst.minNotional.div(PRICE).div('2'));
        expect(base.gte(inst.minBase)).toBe(true); // precondition: this spec is about notional, not min base
        const before = balanceText(await balance());
        const r = await broker.createMarketSellBase(symbol, base, 't-ct-min-sell');
        expect(rejection(r)).toEqual({ kind: 'rejected', code: REJECT.MIN_NOTIONAL });
        expect(balanceText(await balance())).toEqual(before);
      });
    });

    describe('insufficient balance', () => {
      it('rejects a buy costing more quote than is free', async () => {
        await fund('50', '0');
        const r = await broker.createMarketBuyQuote(symbol, dec('100'), 't-ct-poor-buy');
        expect(rejection(r)).toEqual({ kind: 'rejected', code: REJECT.BALANCE });
        expect(str((await balance()).freeQuote)).toBe('50');
      });

      it('rejects a sell of more base than is free', async () => {
        await fund('0', '0.001');
        const r = await broker.createMarketSellBase(symbol, dec('0.01'), 't-ct-poor-sell');
        expect(rejection(r)).toEqual({ kind: 'rejected', code: REJECT.BALANCE });
        expect(str((await balance()).freeBase)).toBe('0.001');
      });
    });

    describe('declared capabilities', () => {
      it('an unknown order is refused with a code the broker declares as "not found"', async () => {
        const r = await broker.fetchOrder(symbol, { id: '987654321012' });
        expect(isNotFoundOn(broker.capabilities, r)).toBe(true);
      });

      it('a filled create carries its trades as the broker declares (always, never, or best effort: then its own)', async () => {
        await fund('1000', '0');
        const o = value(await broker.createMarketBuyQuote(symbol, dec('100'), 't-ct-caps-1'));
        expect(o.filledBase.gt(dec('0'))).toBe(true);
        const declared = broker.capabilities.answersCarryTrades;
        if (declared === 'always') expect(o.fills.length).toBeGreaterThan(0);
        if (declared === 'never') expect(o.fills).toEqual([]);
        for (const f of o.fills) expect(f.orderId).toBe(o.id);
        if (o.fills.length > 0) expect(str(o.fills.reduce((s, f) => s.plus(f.amount), dec('0')))).toBe(str(o.filledBase));
      });
    });

    describe('unknown order', () => {
      it('is rejected with ORDER_NOT_FOUND, by exchange id and by client order id', async () => {
        expect(rejection(await broker.fetchOrder(symbol, { id: '987654321012' }))).toEqual({
          kind: 'rejected',
          code: REJECT.NOT_FOUND,
        });
        expect(rejection(await broker.fetchOrder(symbol, { clientOrderId: 't-ct-never-sent' }))).toEqual({
          kind: 'rejected',
          code: REJECT.NOT_FOUND,
        });
      });
    });

    describe('order lookup', () => {
      it('finds an order by exchange id and by client order id, with the same fills', async () => {
        await fund('1000', '0');
        const o = value(await broker.createMarketBuyQuote(symbol, dec('50'), 't-ct-look-1'));
        const byId = value(await broker.fetchOrder(symbol, { id: o.id }));
        const byClient = value(await broker.fetchOrder(symbol, { clientOrderId: 't-ct-look-1' }));
        for (const found of [byId, byClient]) {
          expect(found.id).toBe(o.id);
          expect(found.clientOrderId).toBe('t-ct-look-1');
          expect(str(found.filledBase)).toBe(str(o.filledBase));
          expect(str(found.filledQuote)).toBe(str(o.filledQuote));
          expect(str(found.fee)).toBe(str(o.fee));
          expect(found.feeCurrency).toBe(inst.base);
        }
      });
    });

    describe('open orders', () => {
      it('never lists a market order (IOC) as open', async () => {
        await fund('1000', '0.01');
        value(await broker.createMarketBuyQuote(symbol, dec('20'), 't-ct-ioc-1'));
        value(await broker.createMarketSellBase(symbol, dec('0.001'), 't-ct-ioc-2'));
        expect(value(await broker.fetchOpenOrders(symbol))).toEqual([]);
      });

      it('lists a resting order and locks its balance', async () => {
        await fund('1000', '0');
        const price = PRICE.div('2');
        const rest = await h.createRestingOrder(symbol, 'buy', dec('0.001'), price, 't-ct-rest-1');
        expect(rest.status).toBe('open');
        const open = value(await broker.fetchOpenOrders(symbol));
        expect(open).toHaveLength(1);
        expect(open[0]!.id).toBe(rest.id);
        expect(open[0]!.clientOrderId).toBe('t-ct-rest-1');
        expect(open[0]!.status).toBe('open');
        expect(open[0]!.side).toBe('buy');
        expect(open[0]!.type).toBe('limit');
        const b = await balance();
        expect(str(b.usedQuote)).toBe('25');
        expect(str(b.freeQuote)).toBe('975');
      });
    });

    describe('cancel all', () => {
      it('cancels every resting order of the symbol and releases the locked balance', async () => {
        await fund('1000', '0.01');
        const a = await h.createRestingOrder(symbol, 'buy', dec('0.001'), PRICE.div('2'), 't-ct-cxl-1');
        const s = await h.createRestingOrder(symbol, 'sell', dec('0.002'), PRICE.times('2'), 't-ct-cxl-2');
        const locked = await balance();
        expect(str(locked.usedQuote)).toBe('25');
        expect(str(locked.usedBase)).toBe('0.002');

        const canceled = value(await broker.cancelAllOrders(symbol));
        expect(canceled.map((o) => o.id).sort()).toEqual([a.id, s.id].sort());
        for (const o of canceled) expect(o.status).toBe('canceled');
        expect(value(await broker.fetchOpenOrders(symbol))).toEqual([]);
        expect(value(await broker.fetchOrder(symbol, { id: a.id })).status).toBe('canceled');

        const b = await balance();
        expect(balanceText(b)).toEqual({ freeBase: '0.01', freeQuote: '1000', usedBase: '0', usedQuote: '0' });
      });

      it('returns an empty list when nothing is open', async () => {
        expect(value(await broker.cancelAllOrders(symbol))).toEqual([]);
      });
    });

    describe('cancel one order', () => {
      it('cancels the one order named by client order id, releases only its lock, and leaves the others open', async () => {
        await fund('1000', '0.01');
        const a = await h.createRestingOrder(symbol, 'buy', dec('0.001'), PRICE.div('2'), 't-ct-one-1');
        const s = await h.createRestingOrder(symbol, 'sell', dec('0.002'), PRICE.times('2'), 't-ct-one-2');

        const c = value(await broker.cancelOrder(symbol, { clientOrderId: 't-ct-one-1' }));
        expect(c.id).toBe(a.id);
        expect(c.clientOrderId).toBe('t-ct-one-1');
        expect(c.status).toBe('canceled');
        expect(str(c.filledBase)).toBe('0');
        const open = value(await broker.fetchOpenOrders(symbol));
        expect(open.map((o) => o.id)).toEqual([s.id]);
        expect(balanceText(await balance())).toEqual({ freeBase: '0.008', freeQuote: '1000', usedBase: '0.002', usedQuote: '0' });
        expect(value(await broker.fetchOrder(symbol, { id: a.id })).status).toBe('canceled');
      });

      it('cancels by exchange order id too', async () => {
        await fund('0', '0.01');
        const s = await h.createRestingOrder(symbol, 'sell', dec('0.002'), PRICE.times('2'), 't-ct-one-3');
        const c = value(await broker.cancelOrder(symbol, { id: s.id }));
        expect(c.id).toBe(s.id);
        expect(c.status).toBe('canceled');
        expect(value(await broker.fetchOpenOrders(symbol))).toEqual([]);
        expect(balanceText(await balance())).toEqual({ freeBase: '0.01', freeQuote: '0', usedBase: '0', usedQuote: '0' });
      });

      it('answers an order canceled before with its final state, changing nothing (a retried cancel)', async () => {
        await fund('1000', '0');
        const a = await h.createRestingOrder(symbol, 'buy', dec('0.001'), PRICE.div('2'), 't-ct-one-4');
        value(await broker.cancelOrder(symbol, { id: a.id }));
        const before = balanceText(await balance());
        for (const ref of [{ id: a.id }, { clientOrderId: 't-ct-one-4' }]) {
          const again = value(await broker.cancelOrder(symbol, ref));
          expect(again.id).toBe(a.id);
          expect(again.status).toBe('canceled');
        }
        expect(balanceText(await balance())).toEqual(before);
      });

      it('answers a filled market order as filled: the venue says what happened, with its fills', async () => {
        await fund('1000', '0');
        const buy = value(await broker.createMarketBuyQuote(symbol, dec('50'), 't-ct-one-5'));
        const before = balanceText(await balance());
        const c = value(await broker.cancelOrder(symbol, { clientOrderId: 't-ct-one-5' }));
        expect(c.id).toBe(buy.id);
        expect(c.status).toBe(buy.status);
        expect(str(c.filledBase)).toBe(str(buy.filledBase));
        expect(str(c.filledQuote)).toBe(str(buy.filledQuote));
        expect(c.fills.map((f) => f.id)).toEqual(buy.fills.map((f) => f.id));
        expect(balanceText(await balance())).toEqual(before);
      });

      it('rejects an unknown order with ORDER_NOT_FOUND, by exchange id and by client order id', async () => {
        expect(rejection(await broker.cancelOrder(symbol, { id: '987654321012' }))).toEqual({ kind: 'rejected', code: REJECT.NOT_FOUND });
        expect(rejection(await broker.cancelOrder(symbol, { clientOrderId: 't-ct-never-sent' }))).toEqual({ kind: 'rejected', code: REJECT.NOT_FOUND });
      });
    });

    describe('quantization', () => {
      it('rounds a sell amount off the grid down, never up', async () => {
        await fund('0', '0.01');
        const raw = dec('0.0012345678901');
        const expected = inst.qty(raw, 'down');
        expect(expected.lt(raw)).toBe(true); // precondition: raw is off the grid
        const o = value(await broker.createMarketSellBase(symbol, raw, 't-ct-grid-sell'));
        expect(str(o.requestedBase!)).toBe(str(expected));
        expect(str(o.filledBase)).toBe(str(expected));
        expect(str((await balance()).freeBase)).toBe(str(dec('0.01').minus(expected)));
      });

      it('never spends more quote than asked, and buys whole amount steps', async () => {
        await fund('1000', '0');
        const raw = dec('100.123456789');
        const o = value(await broker.createMarketBuyQuote(symbol, raw, 't-ct-grid-buy'));
        expect(o.requestedQuote!.lte(raw)).toBe(true);
        expect(o.requestedQuote!.gt(raw.minus('1'))).toBe(true);
        expect(o.filledQuote.lte(raw)).toBe(true);
        expect(o.filledBase.mod(inst.amountStep).eq('0')).toBe(true);
      });
    });

    describe('filled amounts are the truth', () => {
      it('market orders end closed or canceled, and balances and trades follow the filled amounts', async () => {
        await fund('1000', '0');
        const buy = value(await broker.createMarketBuyQuote(symbol, dec('200'), 't-ct-truth-b'));
        const held = (await balance()).freeBase;
        expect(str(held)).toBe(str(buy.filledBase.minus(buy.fee)));
        // Sell what we hold (docs/lessons.md #4: the buy fee came out of the base), quantized down.
        const sellAmount = inst.qty(held);
        const sell = value(await broker.createMarketSellBase(symbol, sellAmount, 't-ct-truth-s'));
        for (const o of [buy, sell]) expect(['closed', 'canceled']).toContain(o.status);

        const trades = value(await broker.fetchMyTrades(symbol));
        const ids = trades.map((t) => t.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const o of [buy, sell]) {
          const mine = trades.filter((t) => t.orderId === o.id);
          expect(mine.length).toBeGreaterThan(0);
          for (const t of mine) expect(t.side).toBe(o.side);
          const base = mine.reduce((acc, t) => acc.plus(t.amount), dec('0'));
          const quote = mine.reduce((acc, t) => acc.plus(t.cost), dec('0'));
          const fee = mine.reduce((acc, t) => acc.plus(t.fee), dec('0'));
          expect(str(base)).toBe(str(o.filledBase));
          expect(near(quote, o.filledQuote, '0.00000001')).toBe(true);
          expect(near(fee, o.fee, '0.00000001')).toBe(true);
        }
        const b = await balance();
        expect(str(b.freeBase)).toBe(str(held.minus(sell.filledBase)));
        expect(str(b.freeQuote)).toBe(str(dec('1000').minus(buy.filledQuote).plus(sell.filledQuote).minus(sell.fee)));
      });
    });
  });
}
