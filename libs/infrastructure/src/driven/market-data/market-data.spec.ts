import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { str } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { bundledCandleFile, CandleFileError, inferTimeframeMs, parseCandleCsv, readCandleFile } from './candle-csv';
import { ReplayMarketData } from './replay-market-data';
import { SyntheticMarketData, syntheticCandles } from './synthetic-market-data';

const real = readCandleFile(bundledCandleFile());

describe('candle CSV', () => {
  it('reads the bundled real BTC/USDT day', () => {
    expect(real).toHaveLength(1440);
    expect(real[0]).toEqual({ ts: 1670889600000, open: 17208.86, high: 17212.99, low: 17205, close: 17205, volume: 1.549151 });
    expect(real[1439]?.ts).toBe(1670975940000);
    expect(inferTimeframeMs(real)).toBe(60_000);
  });

  it('reads gzipped files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-csv-'));
    try {
      const file = path.join(dir, 'x.csv.gz');
      fs.writeFileSync(file, gzipSync(fs.readFileSync(bundledCandleFile())));
      expect(readCandleFile(file)).toEqual(real);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['ts,o,h,l,c,v\n1,1,1,1,1,1', 1, /expected the header/],
    ['timestamp,open,high,low,close,volume\n1,1,1,1,1', 2, /expected 6 values/],
    ['timestamp,open,high,low,close,volume\n1,1,1,1,x,1', 2, /not a number/],
    ['timestamp,open,high,low,close,volume\n2,1,1,1,1,1\n1,1,1,1,1,1', 3, /strictly ascending/],
    ['timestamp,open,high,low,close,volume\n1,1,0.5,1,1,1', 2, /inconsistent candle/],
    ['timestamp,open,high,low,close,volume\n', 1, /no candles/],
  ])('refuses a broken file with the line that shows why (%#)', (text, line, why) => {
    try {
      parseCandleCsv(text, 'f.csv');
      throw new Error('expected a CandleFileError');
    } catch (e) {
      expect(e).toBeInstanceOf(CandleFileError);
      expect((e as CandleFileError).line).toBe(line);
      expect((e as Error).message).toMatch(why);
    }
  });
});

describe('ReplayMarketData', () => {
  const series = new Map([['BTC/USDT', real]]);

  it('shows a candle only once it has closed, on the pipeline clock', async () => {
    const clock = new FakeClock(1_000_000);
    const replay = new ReplayMarketData({ series, clock, speed: 60, loop: false });
    expect(replay.timeframeMs('BTC/USDT')).toBe(1000);
    expect((await replay.candles('BTC/USDT', 10)).ok && (await replay.candles('BTC/USDT', 10))).toEqual({ ok: true, value: [] });
    expect((await replay.ticker('BTC/USDT')).ok).toBe(false);
    clock.advance(999);
    expect(replay.closedCount('BTC/USDT')).toBe(0);
    clock.advance(1);
    const r = await replay.candles('BTC/USDT', 10);
    expect(r).toEqual({ ok: true, value: [{ ...real[0], ts: 1_000_000 }] });
    const t = await replay.ticker('BTC/USDT');
    if (!t.ok) throw new Error('no ticker');
    expect(str(t.value.last)).toBe('17205');
    expect(t.value.bid.lt(t.value.last) && t.value.ask.gt(t.value.last)).toBe(true);
    expect(t.value.ts).toBe(1_001_000);
  });

  it('starts with warm-up history and returns the last `limit` candles, oldest first', async () => {
    const clock = new FakeClock(0);
    const replay = new ReplayMarketData({ series, clock, speed: 1, loop: false, warmupCandles: 50 });
    const r = await replay.candles('BTC/USDT', 20);
    if (!r.ok) throw new Error('no candles');
    expect(r.value).toHaveLength(20);
    expect(r.value.map((c) => c.close)).toEqual(real.slice(30, 50).map((c) => c.close));
    expect(r.value[19]?.ts).toBe(-60_000);
  });

  it('at speed 1 anchored on the first candle it is exactly the recorded history (a backtest view)', async () => {
    const first = real[0]?.ts ?? 0;
    const clock = new FakeClock(first);
    const replay = new ReplayMarketData({ series, clock, speed: 1, loop: false, anchorMs: first });
    clock.set(first + 100 * 60_000);
    const r = await replay.candles('BTC/USDT', 100);
    expect(r.ok && r.value).toEqual(real.slice(0, 100));
  });

  it('a backtest view with warm-up hands out windows of the file itself; any other view the same candles moved in time', async () => {
    const w = 200;
    const anchor = (real[w]?.ts ?? 0) as number;
    const clock = new FakeClock(anchor);
    const inPlace = new ReplayMarketData({ series, clock, speed: 1, loop: false, anchorMs: anchor, warmupCandles: w });
    const shifted = new ReplayMarketData({ series, clock, speed: 1, loop: false, anchorMs: anchor - 7, warmupCandles: w });
    for (const k of [0, 1, 500, 1440 - w]) {
      clock.set(anchor + k * 60_000);
      const a = await inPlace.candles('BTC/USDT', 85);
      const b = await shifted.candles('BTC/USDT', 85);
      if (!a.ok || !b.ok) throw new Error('no candles');
      expect(a.value).toEqual(real.slice(w + k - 85, w + k));
      expect(a.value.every((c, i) => c === real[w + k - 85 + i])).toBe(true);
      expect(b.value.map((c) => c.ts)).toEqual(a.value.map((c) => c.ts - 7));
      expect(b.value.map((c) => c.close)).toEqual(a.value.map((c) => c.close));
    }
    // A window handed out is the caller's: changing it leaves the replay as it was.
    const mine = await inPlace.candles('BTC/USDT', 3);
    if (mine.ok) mine.value.length = 0;
    expect((await inPlace.candles('BTC/USDT', 3)).ok && (await inPlace.candles('BTC/USDT', 3))).toEqual({ ok: true, value: real.slice(1437, 1440) });
  });

  it('stops at the end, or loops with time still moving forward', async () => {
    const clock = new FakeClock(0);
    const once = new ReplayMarketData({ series, clock, speed: 1, loop: false });
    const looped = new ReplayMarketData({ series, clock, speed: 1, loop: true });
    clock.advance(1500 * 60_000);
    expect(once.finished('BTC/USDT')).toBe(true);
    expect(once.closedCount('BTC/USDT')).toBe(1440);
    expect(looped.finished('BTC/USDT')).toBe(false);
    const r = await looped.candles('BTC/USDT', 120);
    if (!r.ok) throw new Error('no candles');
    const ts = r.value.map((c) => c.ts);
    expect(ts.every((t, i) => i === 0 || t === (ts[i - 1] ?? 0) + 60_000)).toBe(true);
    expect(r.value[r.value.length - 1]?.close).toBe(real[59]?.close);
  });

  it('answers an unknown symbol with a value, not an exception', async () => {
    const replay = new ReplayMarketData({ series, clock: new FakeClock(), speed: 1, loop: false });
    expect(await replay.candles('ETH/USDT', 5)).toEqual({ ok: false, error: { code: 'MARKET_DATA.UNKNOWN_SYMBOL', message: 'no replay data for ETH/USDT' } });
  });
});

describe('SyntheticMarketData', () => {
  it('is reproducible from its seed and sane', async () => {
    const a = syntheticCandles({ seed: 7, startPrice: 100, volatility: 0.01, length: 500, timeframeMs: 60_000, startTs: 0 });
    const b = syntheticCandles({ seed: 7, startPrice: 100, volatility: 0.01, length: 500, timeframeMs: 60_000, startTs: 0 });
    const c = syntheticCandles({ seed: 8, startPrice: 100, volatility: 0.01, length: 500, timeframeMs: 60_000, startTs: 0 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const k of a) expect(k.low <= Math.min(k.open, k.close) && k.high >= Math.max(k.open, k.close) && k.low > 0).toBe(true);
  });

  it('serves candles and a ticker for each symbol', async () => {
    const clock = new FakeClock(0);
    const md = new SyntheticMarketData({ symbols: ['BTC/USDT', 'ETH/USDT'], clock, warmupCandles: 30 });
    const btc = await md.candles('BTC/USDT', 30);
    const eth = await md.ticker('ETH/USDT');
    expect(btc.ok && btc.value.length).toBe(30);
    expect(eth.ok && eth.value.last.gt('0')).toBe(true);
  });
});
