import { createStrategy, type Candle, type Signal, type SignalContext, type Strategy, type StrategyFactory } from '@cab/domain';
import type { MarketData, MarketDataResult } from '../ports/market-data';
import type { TickerDTO } from '../ports/broker';
import { StrategyFeeds } from './strategy-feeds';

const TF = 60_000;
const SYMBOL = 'BTC/USDT';

/** A zig-zag trend with enough swings for EMA crosses; candle i opens at start + i minutes. */
const makeCandles = (n: number, start = 0): Candle[] =>
  Array.from({ length: n }, (_, i) => {
    const close = 100 + 10 * Math.sin(i / 7) + (i % 3) * 0.4;
    return { ts: start + i * TF, open: close, high: close, low: close, close, volume: 1 };
  });

/** Market data over an array of candles: the ones closed at `now`, as the exchange would answer. */
class ListMarketData implements MarketData {
  readonly name = 'list';
  now = 0;
  fail = false;
  readonly limits: number[] = [];
  constructor(public candlesList: Candle[]) {}
  timeframeMs(): number {
    return TF;
  }
  async candles(_symbol: string, limit: number): Promise<MarketDataResult<Candle[]>> {
    this.limits.push(limit);
    if (this.fail) return { ok: false, error: { code: 'MARKET_DATA.UNAVAILABLE', message: 'down' } };
    const closed = this.candlesList.filter((c) => c.ts + TF <= this.now);
    return { ok: true, value: closed.slice(Math.max(0, closed.length - limit)) };
  }
  async ticker(): Promise<MarketDataResult<TickerDTO>> {
    throw new Error('not used');
  }
}

/** Records what it is fed: the order, the resets. */
class Recorder implements Strategy, StrategyFactory {
  readonly name = 'recorder';
  readonly params = {};
  readonly fed: number[] = [];
  resets = 0;
  constructor(readonly warmup: number) {}
  create(): Strategy {
    return this;
  }
  update(c: Candle): void {
    this.fed.push(c.ts / TF);
  }
  reset(): void {
    this.resets++;
    this.fed.length = 0;
  }
  signal(_ctx: SignalContext): Signal {
    return { action: 'hold', reasons: [] };
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('StrategyFeeds: every closed candle fed once, in order', () => {
  it('warms up from the last `warmup` closed candles on the first evaluation', async () => {
    const md = new ListMarketData(makeCandles(100));
    const rec = new Recorder(10);
    const feeds = new StrategyFeeds(rec);
    md.now = 50 * TF; // candles 0..49 closed
    await feeds.catchUp(SYMBOL, md, md.now);
    expect(rec.fed).toEqual(range(40, 50));
    expect(md.limits).toEqual([10]);
  });

  it('evaluated several times on one candle, feeds nothing twice; later feeds only the new candles', async () => {
    const md = new ListMarketData(makeCandles(100));
    const rec = new Recorder(10);
    const feeds = new StrategyFeeds(rec);
    md.now = 50 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    md.now += TF / 3;
    await feeds.catchUp(SYMBOL, md, md.now);
    md.now += TF / 3;
    await feeds.catchUp(SYMBOL, md, md.now);
    expect(rec.fed).toEqual(range(40, 50));
    // Three candles later (a slow loop): exactly those three, from a small fetch.
    md.now = 53 * TF + 5;
    await feeds.catchUp(SYMBOL, md, md.now);
    expect(rec.fed).toEqual(range(40, 53));
    expect(rec.resets).toBe(1); // the first warm-up only
    expect(md.limits).toEqual([10, 2, 2, 5]);
  });

  it('missing candles between the last fed one and the window: resets and warms up again', async () => {
    const md = new ListMarketData(makeCandles(100));
    const rec = new Recorder(10);
    const feeds = new StrategyFeeds(rec);
    md.now = 50 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    // The source lost candles 50..52 (an exchange hiccup): the sequence cannot be continued.
    md.candlesList = md.candlesList.filter((c) => c.ts < 50 * TF || c.ts >= 53 * TF);
    md.now = 55 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    expect(rec.resets).toBe(2);
    expect(rec.fed).toEqual([...range(42, 50), 53, 54]);
  });

  it('a stall longer than the warm-up re-warms from the recent history without a useless first fetch', async () => {
    const md = new ListMarketData(makeCandles(200));
    const rec = new Recorder(10);
    const feeds = new StrategyFeeds(rec);
    md.now = 50 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    md.now = 150 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    expect(rec.fed).toEqual(range(140, 150));
    expect(md.limits).toEqual([10, 10]);
    expect(rec.resets).toBe(2);
  });

  it('time going backwards (a replay started over): resets and warms up again', async () => {
    const md = new ListMarketData(makeCandles(100));
    const rec = new Recorder(10);
    const feeds = new StrategyFeeds(rec);
    md.now = 80 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    md.now = 30 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    expect(rec.fed).toEqual(range(20, 30));
    expect(rec.resets).toBe(2);
  });

  it('the last fed candle answered with other prices (history rewritten, as a fast replay does): resets and warms up again', async () => {
    const md = new ListMarketData(makeCandles(100));
    const rec = new Recorder(10);
    const feeds = new StrategyFeeds(rec);
    md.now = 50 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    // Same candle times, other prices: the source moved on under the same times.
    md.candlesList = makeCandles(100).map((c) => ({ ...c, close: c.close + 1, high: c.high + 1 }));
    md.now += TF / 2;
    await feeds.catchUp(SYMBOL, md, md.now);
    expect(rec.resets).toBe(2);
    expect(rec.fed).toEqual(range(40, 50));
    // Unchanged since: continues without another reset.
    md.now = 51 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    expect(rec.resets).toBe(2);
    expect(rec.fed).toEqual(range(40, 51));
  });

  it('a market data error is returned and changes nothing', async () => {
    const md = new ListMarketData(makeCandles(100));
    const rec = new Recorder(10);
    const feeds = new StrategyFeeds(rec);
    md.now = 50 * TF;
    await feeds.catchUp(SYMBOL, md, md.now);
    md.fail = true;
    md.now = 52 * TF;
    expect(await feeds.catchUp(SYMBOL, md, md.now)).toEqual({ ok: false, error: { code: 'MARKET_DATA.UNAVAILABLE', message: 'down' } });
    md.fail = false;
    await feeds.catchUp(SYMBOL, md, md.now);
    expect(rec.fed).toEqual(range(40, 52));
    expect(rec.resets).toBe(1);
  });

  it('keeps one strategy per symbol', async () => {
    const md = new ListMarketData(makeCandles(100));
    const f = createStrategy('ema_cross_rsi', { fastPeriod: 3, slowPeriod: 8, rsiPeriod: 5 });
    if (!f.ok) throw new Error(f.error.join());
    const feeds = new StrategyFeeds(f.value);
    md.now = 50 * TF;
    const a = await feeds.catchUp('A/USDT', md, md.now);
    const b = await feeds.catchUp('B/USDT', md, md.now);
    expect(a.ok && b.ok && a.value !== b.value).toBe(true);
  });

  it('a real strategy evaluated on an irregular schedule signals exactly as one fed every candle', async () => {
    const candles = makeCandles(400);
    const f = createStrategy('ema_cross_rsi', { fastPeriod: 3, slowPeriod: 8, rsiPeriod: 5 });
    if (!f.ok) throw new Error(f.error.join());
    // The reference: one instance fed candle by candle from the same first window.
    const ref = f.value.create();
    const first = 60;
    const want = new Map<number, string>();
    for (let i = first - f.value.warmup; i < candles.length; i++) {
      ref.update(candles[i]!);
      if (i >= first - 1) want.set(i + 1, JSON.stringify(ref.signal({ symbol: SYMBOL, timeframeMs: TF, now: (i + 1) * TF })));
    }
    const md = new ListMarketData(candles);
    const feeds = new StrategyFeeds(f.value);
    let buysAndSells = 0;
    // Evaluations at 1, 2 or 3 per candle, and now and then after skipping up to 4 candles.
    for (let closed = first, step = 0; closed <= candles.length; step++) {
      md.now = closed * TF + (step % 3) * 7_000;
      const s = await feeds.catchUp(SYMBOL, md, md.now);
      if (!s.ok) throw new Error(s.error.message);
      const sig = s.value.signal({ symbol: SYMBOL, timeframeMs: TF, now: closed * TF });
      expect({ closed, sig: JSON.stringify(sig) }).toEqual({ closed, sig: want.get(closed) });
      if (sig.action !== 'hold') buysAndSells++;
      if (step % 3 === 2) closed += 1 + (step % 5);
    }
    expect(buysAndSells).toBeGreaterThan(3);
  });
});
