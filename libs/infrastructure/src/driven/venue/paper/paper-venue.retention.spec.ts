import { dec } from '@cab/domain';
import { REJECT } from '../reject-codes';
import { RETAIN_FINISHED_MS } from './paper-venue';
import { makePaperHarness, type PaperHarness } from './testing/paper-harness';
import { value } from '@cab/application/testing';

const SYMBOL = 'BTC/USDT';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Decimals as text, so equality is exact. */
const text = (x: unknown): string => JSON.stringify(x);

/**
 * One market order a minute for `minutes` (a buy, then a sell of part of it), with the price
 * moving, on two brokers in lockstep: one forgets finished orders after an hour, the other (a
 * window of "forever") keeps everything — the broker as it was before it had a limit.
 */
async function twoBrokers(
  minutes: number,
): Promise<{ bounded: PaperHarness; unbounded: PaperHarness; ids: { id: string; clientOrderId: string; at: number }[] }> {
  const bounded = await makePaperHarness({ startingBalances: { USDT: '1000000' }, broker: { retainFinishedMs: HOUR } });
  const unbounded = await makePaperHarness({ startingBalances: { USDT: '1000000' }, broker: { retainFinishedMs: Number.MAX_SAFE_INTEGER } });
  const ids: { id: string; clientOrderId: string; at: number }[] = [];
  for (let m = 0; m < minutes; m++) {
    const price = String(50_000 + ((m * 37) % 500));
    const coid = `o-${m}`;
    const results = [];
    for (const h of [bounded, unbounded]) {
      h.market.setPrice(SYMBOL, price);
      results.push(
        m % 2 === 0
          ? value(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), coid))
          : value(await h.broker.createMarketSellBase(SYMBOL, dec('0.001'), coid)),
      );
      h.clock.advance(MINUTE);
    }
    expect(text(results[0])).toBe(text(results[1]));
    ids.push({ id: results[0]!.id, clientOrderId: coid, at: results[0]!.createdAt });
  }
  return { bounded, unbounded, ids };
}

describe('PaperVenue: finished orders are kept for a window, then forgotten', () => {
  let hs: PaperHarness[] = [];
  afterEach(async () => {
    for (const h of hs) await h.close();
    hs = [];
  });

  it('holds an hour of orders after a day of one a minute, not the whole day', async () => {
    const { bounded, unbounded } = await twoBrokers(24 * 60);
    hs = [bounded, unbounded];
    // The last order was placed a minute ago: the window holds the 61 placed at now−1h … now−1min.
    expect(bounded.broker.retained()).toEqual({ orders: 61, fills: 61 });
    expect(unbounded.broker.retained()).toEqual({ orders: 1440, fills: 1440 });
  });

  it('answers every lookup inside the window exactly as the broker that forgets nothing', async () => {
    const { bounded, unbounded, ids } = await twoBrokers(3 * 60);
    hs = [bounded, unbounded];
    const now = bounded.clock.now();
    const recent = ids.filter((o) => o.at >= now - HOUR);
    expect(recent.length).toBeGreaterThan(50);
    for (const o of recent) {
      // fetchOrder by id (reconcile, for a trade's order) and by client order id (reconcile, for an in-flight order).
      const byId = value(await bounded.broker.fetchOrder(SYMBOL, { id: o.id }));
      expect(text(byId)).toBe(text(value(await unbounded.broker.fetchOrder(SYMBOL, { id: o.id }))));
      expect(text(value(await bounded.broker.fetchOrder(SYMBOL, { clientOrderId: o.clientOrderId })))).toBe(text(byId));
    }
    // Reconcile's trade look-back: since its previous pass, minus an overlap.
    for (const since of [now - HOUR, now - 30 * MINUTE, now - MINUTE, now]) {
      expect(text(value(await bounded.broker.fetchMyTrades(SYMBOL, since)))).toBe(text(value(await unbounded.broker.fetchMyTrades(SYMBOL, since))));
    }
    expect(text(value(await bounded.broker.fetchBalance(SYMBOL)))).toBe(text(value(await unbounded.broker.fetchBalance(SYMBOL))));
  });

  it('answers NOT_FOUND for an order that finished before the window, as for one it never had', async () => {
    const { bounded, unbounded, ids } = await twoBrokers(3 * 60);
    hs = [bounded, unbounded];
    const old = ids[0]!;
    const notFound = { ok: false, error: expect.objectContaining({ kind: 'rejected', code: REJECT.NOT_FOUND }) };
    expect(await bounded.broker.fetchOrder(SYMBOL, { id: old.id })).toEqual(notFound);
    expect(await bounded.broker.fetchOrder(SYMBOL, { clientOrderId: old.clientOrderId })).toEqual(notFound);
    expect(value(await bounded.broker.fetchMyTrades(SYMBOL, old.at))).toHaveLength(61);
  });

  it('keeps a resting order however long it rests, and for the window after it is canceled', async () => {
    const h = await makePaperHarness({ startingBalances: { USDT: '100000' }, broker: { retainFinishedMs: HOUR } });
    hs = [h];
    h.market.setPrice(SYMBOL, '50000');
    const rest = value(await h.broker.placeRestingOrder(SYMBOL, 'buy', dec('0.01'), dec('40000'), 'rest-1'));
    for (let m = 0; m < 5 * 60; m++) {
      value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), `m-${m}`));
      h.clock.advance(MINUTE);
    }
    expect(value(await h.broker.fetchOpenOrders(SYMBOL)).map((o) => o.id)).toEqual([rest.id]);
    expect(value(await h.broker.fetchOrder(SYMBOL, { clientOrderId: 'rest-1' })).status).toBe('open');

    const canceledAt = h.clock.now();
    value(await h.broker.cancelAllOrders(SYMBOL));
    h.clock.advance(HOUR);
    value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'late-1'));
    expect(value(await h.broker.fetchOrder(SYMBOL, { id: rest.id }))).toMatchObject({ status: 'canceled', updatedAt: canceledAt });
    h.clock.advance(1);
    value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'late-2'));
    expect(await h.broker.fetchOrder(SYMBOL, { id: rest.id })).toMatchObject({ ok: false, error: { code: REJECT.NOT_FOUND } });
  });

  it('keeps seven days by default', async () => {
    const h = await makePaperHarness({ startingBalances: { USDT: '100000' } });
    hs = [h];
    h.market.setPrice(SYMBOL, '50000');
    const first = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'd-1'));
    h.clock.advance(RETAIN_FINISHED_MS);
    value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'd-2'));
    expect(value(await h.broker.fetchOrder(SYMBOL, { id: first.id })).id).toBe(first.id);
    h.clock.advance(1);
    value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 'd-3'));
    expect((await h.broker.fetchOrder(SYMBOL, { id: first.id })).ok).toBe(false);
    expect(h.broker.retained()).toEqual({ orders: 2, fills: 2 });
  });
});
