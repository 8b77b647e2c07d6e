// GateVenue attaches an order's own trades (GET /spot/my_trades?order_id=) to the order it
// answers, best effort: the settler records them as fills.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { dec, str } from '@cab/domain';
import { value } from '@cab/application/testing';
import { makeCcxtHarness, type CcxtHarness } from './testing/ccxt-harness';

jest.setTimeout(60_000);

const SYMBOL = 'BTC/USDT';

describe('GateVenue: an order with a fill carries its trades', () => {
  let h: CcxtHarness;
  afterEach(async () => {
    await h?.close();
  });

  it("a market buy's trades, only that order's (Gate's order_id filter), fee in base as Gate reports it", async () => {
    h = await makeCcxtHarness();
    h.emu.exchange.setBalance('USDT', '1000');
    value(await h.broker.createMarketBuyQuote(SYMBOL, dec('20'), 't-first'));
    const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('30'), 't-second'));
    const venue = h.emu.exchange.trades.filter((t) => t.orderId === o.id);
    expect(venue.length).toBeGreaterThan(0);
    expect(h.emu.exchange.trades.length).toBeGreaterThan(venue.length);
    expect(
      o.fills.map((f) => ({ id: f.id, orderId: f.orderId, amount: str(f.amount), price: str(f.price), fee: str(f.fee), feeCurrency: f.feeCurrency })),
    ).toEqual(venue.map((t) => ({ id: t.id, orderId: t.orderId, amount: str(t.amount), price: str(t.price), fee: str(t.fee), feeCurrency: 'BTC' })));
    const read = h.emu.requests.filter((r) => r.path === '/spot/my_trades').at(-1);
    expect(read?.query).toContain(`order_id=${o.id}`);
    // fetchOrder of a filled order carries them too.
    expect(value(await h.broker.fetchOrder(SYMBOL, { id: o.id })).fills.map((f) => f.id)).toEqual(venue.map((t) => t.id));
  });

  it('a failed trades read costs nothing but the fills: the order is answered, closed, with none', async () => {
    h = await makeCcxtHarness();
    h.emu.exchange.setBalance('USDT', '1000');
    h.emu.faults.next('GET /spot/my_trades', { kind: 'status', status: 503 });
    const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('20'), 't-unlucky'));
    expect(o.status).toBe('closed');
    expect(o.filledBase.gt(dec('0'))).toBe(true);
    expect(o.fills).toEqual([]);
    expect(h.emu.requests.filter((r) => r.path === '/spot/my_trades')).toHaveLength(1); // one attempt, no backoff
  });
});
