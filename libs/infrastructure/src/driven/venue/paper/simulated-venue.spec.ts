import { dec, type Decimal } from '@cab/domain';
import { FakeClock, SequentialIds } from '@cab/domain/testing';
import type { BrokerResult, OrderDTO } from '@cab/application';
import { InMemoryPaperLedger } from './in-memory-ledger';
import { PaperVenue } from './paper-venue';
import { SettableMarket } from './paper-market';
import { SimulatedVenue } from './simulated-venue';

const SYMBOL = 'BTC/USDT';

type Call = { price: string; spread?: string } | { side: 'buy' | 'sell'; amount: string; clientOrderId?: string; symbol?: string };

/** Quotes and orders, in order: small and large (walking several levels), and every refusal Gate gives. */
const SCRIPT: readonly Call[] = [
  { price: '43210.55' },
  { side: 'buy', amount: '1234.56' },
  { side: 'buy', amount: '2.5' }, // below the min notional
  { side: 'buy', amount: '3.1' }, // above the min notional, below the min base at this price
  { price: '43500.01', spread: '0.001' },
  { side: 'buy', amount: '80000' }, // walks many levels of the synthetic book
  { side: 'buy', amount: '500000' }, // more than the free quote
  { side: 'sell', amount: '0.01234567' },
  { side: 'sell', amount: '0.000001' }, // below the min base
  { side: 'sell', amount: '1000' }, // more than the free base
  { side: 'buy', amount: '100', clientOrderId: 'not valid!' },
  { side: 'buy', amount: '100', symbol: 'DOGE/USDT' },
  { price: '42000' },
  { side: 'sell', amount: '1.5' },
];

/** Orders, refusals and balances as text: exact decimals. */
const text = (x: unknown): string => JSON.stringify(x);

describe('SimulatedVenue: PaperVenue matching, synchronously', () => {
  it('answers the same orders, fills, refusals and balances as PaperVenue for the same quotes and calls', async () => {
    const paperClock = new FakeClock(1_700_000_000_000);
    const market = new SettableMarket(paperClock);
    const paper = new PaperVenue({
      market,
      ledger: new InMemoryPaperLedger(),
      clock: paperClock,
      ids: new SequentialIds('p-'),
      startingBalances: { USDT: '100000' },
    });
    const simClock = new FakeClock(1_700_000_000_000);
    const sim = new SimulatedVenue({ clock: simClock, ids: new SequentialIds('p-'), startingBalances: { USDT: '100000' } });

    const fromPaper: unknown[] = [];
    const fromSim: unknown[] = [];
    let n = 0;
    for (const call of SCRIPT) {
      paperClock.advance(60_000);
      simClock.advance(60_000);
      if ('price' in call) {
        market.setPrice(SYMBOL, call.price, call.spread);
        const t = await market.ticker(SYMBOL);
        sim.quote(t!);
        continue;
      }
      const symbol = call.symbol ?? SYMBOL;
      const coid = call.clientOrderId ?? `c-${++n}`;
      const amount: Decimal = dec(call.amount);
      const p: BrokerResult<OrderDTO> =
        call.side === 'buy' ? await paper.createMarketBuyQuote(symbol, amount, coid) : await paper.createMarketSellBase(symbol, amount, coid);
      const s = call.side === 'buy' ? sim.marketBuyQuote(symbol, amount, coid) : sim.marketSellBase(symbol, amount, coid);
      fromPaper.push(p, await paper.fetchBalance(SYMBOL));
      fromSim.push(s, { ok: true, value: sim.balance(SYMBOL) });
    }
    expect(text(fromSim)).toBe(text(fromPaper));
    // The script does what it says: fills that walk the book, and each kind of refusal.
    const codes = fromSim.flatMap((r) => ((r as BrokerResult<unknown>).ok ? [] : [(r as { error: { code: string } }).error.code]));
    expect(new Set(codes).size).toBeGreaterThanOrEqual(4);
    expect(fromSim.some((r) => (r as BrokerResult<OrderDTO>).ok && ((r as { value: OrderDTO }).value.fills?.length ?? 0) > 3)).toBe(true);
  });

  it('the same book for the slippage rule as PaperVenue.fetchOrderBook', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const market = new SettableMarket(clock).setPrice(SYMBOL, '43210.55');
    const paper = new PaperVenue({ market, ledger: new InMemoryPaperLedger(), clock, ids: new SequentialIds('p-'), startingBalances: { USDT: '1' } });
    const sim = new SimulatedVenue({ clock, ids: new SequentialIds('p-'), startingBalances: { USDT: '1' } });
    sim.quote((await market.ticker(SYMBOL))!);
    const p = await paper.fetchOrderBook(SYMBOL, 50);
    expect(p.ok).toBe(true);
    const s = sim.book(SYMBOL, 50);
    expect(text({ bids: [...s!.bids], asks: [...s!.asks] })).toBe(text({ bids: [...(p.ok ? p.value.bids : [])], asks: [...(p.ok ? p.value.asks : [])] }));
  });

  it('the book of a quote is the one its orders fill against: each level is computed once, and a new quote gives a new book', () => {
    const clock = new FakeClock(1_700_000_000_000);
    const sim = new SimulatedVenue({ clock, ids: new SequentialIds('p-'), startingBalances: { USDT: '100000' } });
    const ticker = (last: string) => ({ symbol: SYMBOL, bid: dec(last), ask: dec(last).plus('0.1'), last: dec(last), ts: clock.now() });
    sim.quote(ticker('43210.5'));
    const before = sim.book(SYMBOL, 50)!;
    const best = before.asks[0];
    const bought = sim.marketBuyQuote(SYMBOL, dec('100'), 'c-1');
    expect(bought.ok && bought.value.fills[0]?.price.eq(best!.price)).toBe(true);
    // The risk check's level objects are the very ones the fill walked: nothing was computed twice.
    expect(sim.book(SYMBOL, 50)!.asks[0]).toBe(best);
    sim.quote(ticker('43210.5'));
    const next = sim.book(SYMBOL, 50)!.asks[0];
    expect(next).not.toBe(best);
    expect(text(next)).toBe(text(best));
  });
});
