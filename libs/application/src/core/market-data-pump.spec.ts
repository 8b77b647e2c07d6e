import { dec, type Candle } from '@cab/domain';
import { T0 } from '@cab/domain/testing';
import type { TickerDTO } from '../ports/broker';
import type { MarketData, MarketDataResult } from '../ports/market-data';
import { VirtualScheduler } from '../scheduling/virtual-scheduler';
import type { CoreEvent } from './core-events';
import type { EdgeStatus } from './edge-status';
import { MarketDataPump } from './market-data-pump';
import { SYMBOL, TF } from '../testing';

/** Market data that answers after a turn of the event loop, from a candle list the spec edits (holes included). */
class FakeMarketData implements MarketData {
  readonly name = 'fake';
  candleList: Candle[] = [];
  tickerAt: number | null = null;
  down = false;
  constructor(private readonly now: () => number) {}
  timeframeMs(): number {
    return TF;
  }
  async candles(_symbol: string, limit: number): Promise<MarketDataResult<Candle[]>> {
    await new Promise((r) => setImmediate(r));
    if (this.down) return { ok: false, error: { code: 'MARKET_DATA.UNAVAILABLE', message: 'timeout' } };
    return { ok: true, value: this.candleList.filter((c) => c.ts + TF <= this.now()).slice(-limit) };
  }
  async ticker(): Promise<MarketDataResult<TickerDTO>> {
    await new Promise((r) => setImmediate(r));
    const ts = this.tickerAt ?? this.now();
    return { ok: true, value: { symbol: SYMBOL, bid: dec('49999.5'), ask: dec('50000.5'), last: dec('50000'), ts } };
  }
}

const candleAt = (ts: number): Candle => ({ ts, open: 1, high: 1, low: 1, close: 1, volume: 1 });

function setup() {
  const vs = new VirtualScheduler({ startMs: T0 });
  const md = new FakeMarketData(() => vs.now());
  // Candles up to the one closing at T0 (five of history), and on for an hour as time goes.
  for (let ts = T0 - 5 * TF; ts < T0 + 60 * TF; ts += TF) md.candleList.push(candleAt(ts));
  const events: CoreEvent[] = [];
  const seeds: { symbol: string; last: number }[] = [];
  const statuses: EdgeStatus[] = [];
  const pump = new MarketDataPump({
    symbols: [SYMBOL],
    marketData: md,
    clock: vs,
    enqueue: (e) => events.push(e),
    seed: (symbol, history) => seeds.push({ symbol, last: history.at(-1)!.ts }),
    onStatus: (s) => statuses.push(s),
  });
  const closed = () => events.filter((e) => e.kind === 'candle-closed').map((e) => (e.kind === 'candle-closed' ? e.candle.ts : 0));
  return { vs, md, pump, events, seeds, statuses, closed };
}

describe('MarketDataPump: market data in, CandleClosed and Quote events out', () => {
  it('seeds the strategy on the first poll, then enqueues CandleClosed exactly once per closed candle however often it polls', async () => {
    const t = setup();
    const poll = async () => {
      await t.vs.advance(15_000);
      await t.pump.poll();
    };
    await poll();
    expect(t.seeds).toEqual([{ symbol: SYMBOL, last: T0 - TF }]);
    expect(t.closed()).toEqual([]);
    // Four polls a candle, for ten candles.
    for (let i = 0; i < 40; i++) await poll();
    expect(t.closed()).toEqual(Array.from({ length: 10 }, (_, i) => T0 + i * TF));
    // Between candles, the exits still see each quote.
    expect(t.events.filter((e) => e.kind === 'quote').length).toBe(41 - 10);
    const first = t.events.find((e) => e.kind === 'candle-closed');
    expect(first?.kind === 'candle-closed' && first.quote.ticker().bid.toString()).toBe('49999.5');
    expect(first?.kind === 'candle-closed' && first.quote.bidApprox).toBe(49999.5);
    await t.vs.stop();
  });

  it('a hole in the candles makes no event: a gap status, the strategy seeded again, and the next candle goes on from there', async () => {
    const t = setup();
    await t.pump.poll();
    t.md.candleList = t.md.candleList.filter((c) => c.ts !== T0);
    await t.vs.advance(2 * TF);
    await t.pump.poll();
    expect(t.closed()).toEqual([]);
    expect(t.statuses.at(-1)).toMatchObject({ source: 'market-data', symbol: SYMBOL, state: 'gap' });
    expect(t.seeds.map((s) => s.last)).toEqual([T0 - TF, T0 + TF]);
    await t.vs.advance(TF);
    await t.pump.poll();
    expect(t.closed()).toEqual([T0 + 2 * TF]);
    expect(t.statuses.at(-1)).toMatchObject({ state: 'ok' });
  });

  it('stale or missing data makes no event, only a status (once per change), until fresh data is back', async () => {
    const t = setup();
    await t.pump.poll();
    const before = t.events.length;
    t.md.tickerAt = T0 - 31_000;
    await t.pump.poll();
    await t.pump.poll();
    t.md.tickerAt = null;
    t.md.down = true;
    await t.pump.poll();
    expect(t.events.length).toBe(before);
    expect(t.statuses.map((s) => s.state)).toEqual(['stale', 'unavailable']);
    // The feed stopped: the last closed candle is two timeframes behind the clock.
    t.md.down = false;
    t.md.candleList = t.md.candleList.filter((c) => c.ts < T0);
    await t.vs.advance(2 * TF);
    await t.pump.poll();
    expect(t.events.length).toBe(before);
    expect(t.statuses.at(-1)).toMatchObject({ state: 'stale', detail: expect.stringMatching(/last closed candle/) });
  });
});
