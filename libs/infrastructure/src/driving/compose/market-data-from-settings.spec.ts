import * as fs from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '@cab/domain/testing';
import { bundledCandleFile, formatCandleCsv, readCandleFile } from '../../driven/market-data/candle-csv';
import { REPLAY_WARMUP_CANDLES, ReplayMarketData } from '../../driven/market-data/replay-market-data';
import { ReplayClock } from '../../driven/time/replay-clock';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
import { marketDataFromSettings } from './market-data-from-settings';

describe('marketDataFromSettings: replay', () => {
  const candles = readCandleFile(bundledCandleFile()).slice(0, 300);

  it("on its own replay clock, the replay is anchored at that clock's start, however much wall time passes while it is made", () => {
    const { dir, cleanup } = tempDir('cab-md-');
    try {
      fs.writeFileSync(join(dir, 'short.csv'), formatCandleCsv(candles));
      const settings = parseSettings(
        { MARKET_DATA: 'replay', REPLAY_FILE: join(dir, 'short.csv'), REPLAY_SPEED: '100' },
        { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
      );
      // A wall clock a millisecond on at every reading: 100 ms of the replay's clock each time.
      let wallMs = 5_000_000;
      const wall = { now: () => wallMs++ };
      let made: ReplayClock | null = null;
      const md = marketDataFromSettings(settings, wall, (fileStartMs) => (made = new ReplayClock(wall, 100, fileStartMs + 86_400_000))) as ReplayMarketData;
      const clock = made as ReplayClock | null;
      if (clock === null) throw new Error('no replay clock made');
      expect(md.describe().anchorMs).toBe(clock.startMs - 60_000);
      expect(clock.startMs).toBe(candles[REPLAY_WARMUP_CANDLES]!.ts + 60_000 + 86_400_000);
    } finally {
      cleanup();
    }
  });

  it('starts with the warm-up as history and the first candle to trade on just closed, as a backtest decides first on it', async () => {
    const { dir, cleanup } = tempDir('cab-md-');
    try {
      fs.writeFileSync(join(dir, 'short.csv'), formatCandleCsv(candles));
      const settings = parseSettings(
        { MARKET_DATA: 'replay', REPLAY_FILE: join(dir, 'short.csv'), REPLAY_SPEED: '60' },
        { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
      );
      const clock = new FakeClock(1_000_000);
      const md = marketDataFromSettings(settings, clock) as ReplayMarketData;
      // At start: 200 candles of history + candle 200, which closed at this instant (1 s candles at ×60).
      const seen = await md.candles('BTC/USDT', 1000);
      if (!seen.ok) throw new Error('no candles');
      expect(seen.value).toHaveLength(REPLAY_WARMUP_CANDLES + 1);
      expect(seen.value.at(-1)).toMatchObject({ ts: 1_000_000 - 1_000, close: candles[REPLAY_WARMUP_CANDLES]!.close });
      expect(md.describe()).toEqual({
        candles: 300,
        warmupCandles: REPLAY_WARMUP_CANDLES,
        speed: 60,
        loop: true,
        timeframeMs: 60_000,
        anchorMs: 999_000,
        firstLiveCandleTs: candles[REPLAY_WARMUP_CANDLES]!.ts,
      });
      // Until the next close the latest candle stays the same; then one more each second.
      clock.advance(999);
      expect(md.closedCount('BTC/USDT')).toBe(REPLAY_WARMUP_CANDLES + 1);
      clock.advance(1);
      expect(md.closedCount('BTC/USDT')).toBe(REPLAY_WARMUP_CANDLES + 2);
    } finally {
      cleanup();
    }
  });

  it.each([
    ['true', false],
    ['false', true],
  ])('REPLAY_LOOP=%s: after the last candle the replay is finished: %s', async (loop, finished) => {
    const { dir, cleanup } = tempDir('cab-md-');
    try {
      fs.writeFileSync(join(dir, 'short.csv'), formatCandleCsv(candles));
      const settings = parseSettings(
        { MARKET_DATA: 'replay', REPLAY_FILE: join(dir, 'short.csv'), REPLAY_SPEED: '60', REPLAY_LOOP: loop },
        { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
      );
      expect(settings.marketData.replayLoop).toBe(loop === 'true');
      const clock = new FakeClock(0);
      const md = marketDataFromSettings(settings, clock);
      expect(md).toBeInstanceOf(ReplayMarketData);
      clock.advance(400_000); // 400 s at ×60: well past the file's 300 candles
      expect((md as ReplayMarketData).finished('BTC/USDT')).toBe(finished);
      const last = await md.ticker('BTC/USDT');
      if (!last.ok) throw new Error('no ticker');
      if (finished) expect(Number(last.value.last.toFixed())).toBe(candles[299]?.close);
    } finally {
      cleanup();
    }
  });

  it('REPLAY_FILES: each symbol replays its own candles, not the first symbol’s', async () => {
    const { dir, cleanup } = tempDir('cab-md-');
    try {
      const eth = candles.map((c) => ({ ...c, open: c.open / 10, high: c.high / 10, low: c.low / 10, close: c.close / 10 }));
      fs.writeFileSync(join(dir, 'btc.csv'), formatCandleCsv(candles));
      fs.writeFileSync(join(dir, 'eth.csv'), formatCandleCsv(eth));
      const settings = parseSettings(
        {
          SYMBOLS: 'BTC/USDT,ETH/USDT',
          MARKET_DATA: 'replay',
          REPLAY_FILES: `BTC/USDT=${join(dir, 'btc.csv')},ETH/USDT=${join(dir, 'eth.csv')}`,
          REPLAY_SPEED: '60',
        },
        { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
      );
      const md = marketDataFromSettings(settings, new FakeClock(1_000_000));
      const closes = async (symbol: string) => {
        const r = await md.candles(symbol, 3);
        if (!r.ok) throw new Error(r.error.message);
        return r.value.map((c) => c.close);
      };
      expect(await closes('BTC/USDT')).toEqual(candles.slice(REPLAY_WARMUP_CANDLES - 2, REPLAY_WARMUP_CANDLES + 1).map((c) => c.close));
      expect(await closes('ETH/USDT')).toEqual(eth.slice(REPLAY_WARMUP_CANDLES - 2, REPLAY_WARMUP_CANDLES + 1).map((c) => c.close));
    } finally {
      cleanup();
    }
  });

  it('a replay file gone or broken since the settings were read: a ComposeError (exit 2 at start), not a crash', () => {
    const { dir, cleanup } = tempDir('cab-md-');
    try {
      fs.writeFileSync(join(dir, 'short.csv'), formatCandleCsv(candles));
      const settings = parseSettings({ MARKET_DATA: 'replay', REPLAY_FILE: join(dir, 'short.csv') }, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
      fs.writeFileSync(join(dir, 'short.csv'), 'garbage');
      expect(() => marketDataFromSettings(settings, new FakeClock(0))).toThrow(expect.objectContaining({ name: 'ComposeError', code: 'COMPOSE.MARKET_DATA' }));
      fs.rmSync(join(dir, 'short.csv'));
      expect(() => marketDataFromSettings(settings, new FakeClock(0))).toThrow(`replay: cannot read ${join(dir, 'short.csv')} (ENOENT)`);
    } finally {
      cleanup();
    }
  });
});
