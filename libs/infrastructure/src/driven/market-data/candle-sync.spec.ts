import type { Candle } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { openTempStorage } from '../../testing';
import { findCandleGaps, listCandleSeries } from './candle-catalog';
import { bundledCandleFile, readCandleFile } from './candle-csv';
import type { OhlcvSource } from './candle-download';
import { syncCandles } from './candle-sync';

const real = readCandleFile(bundledCandleFile());
const first = (real[0] as Candle).ts;
const key = { exchange: 'gateio', symbol: 'BTC/USDT', timeframe: '1m' };
const now = first + 1440 * 60_000; // the whole day is closed

/** Serves `candles` like Gate (at most `max` bars from `since`) and fails every call after `failAfter`. */
function venue(candles: readonly Candle[], max: number, failAfter = Infinity): OhlcvSource & { sinces: number[] } {
  const src = {
    sinces: [] as number[],
    async fetchOHLCV(_s: string, _tf?: string, since = 0, limit = max) {
      if (src.sinces.length >= failAfter) throw new Error('venue down');
      src.sinces.push(since);
      return candles
        .filter((c) => c.ts >= since)
        .slice(0, Math.min(limit, max))
        .map((c) => [c.ts, c.open, c.high, c.low, c.close, c.volume]);
    },
  };
  return src;
}

describe('syncCandles: resumable download into a real SQLite file', () => {
  it('an interrupted download keeps its pages, and the re-run continues after the newest stored candle', async () => {
    const storage = openTempStorage(new FakeClock());
    try {
      const broken = venue(real, 200, 3);
      await expect(syncCandles(broken, storage.candles, key, { since: first, now, pageLimit: 200 })).rejects.toThrow('venue down');
      // Three pages of 200 arrived and were stored before the failure.
      expect(await storage.candles.latest(key, 5000)).toEqual(real.slice(0, 600));

      const working = venue(real, 200);
      const r = await syncCandles(working, storage.candles, key, { since: first, now, pageLimit: 200 });
      expect(r).toEqual({ startedAt: (real[600] as Candle).ts, resumed: true, written: 840 });
      expect(working.sinces[0]).toBe((real[600] as Candle).ts);
      expect(await storage.candles.latest(key, 5000)).toEqual(real);

      // Up to date: a third run asks nothing and writes nothing.
      const idle = venue(real, 200);
      expect((await syncCandles(idle, storage.candles, key, { since: first, now, pageLimit: 200 })).written).toBe(0);
      expect(idle.sinces).toEqual([]);
    } finally {
      await storage.dispose();
    }
  });

  it('steps over a stretch the venue has no candles for, and the gaps are reported', async () => {
    const storage = openTempStorage(new FakeClock());
    try {
      // The venue lacks candles 300–799 (500 minutes: more than a page) and 1000–1004.
      const holed = real.filter((_, i) => !(i >= 300 && i < 800) && !(i >= 1000 && i < 1005));
      const r = await syncCandles(venue(holed, 200), storage.candles, key, { since: first, now, pageLimit: 200 });
      expect(r.written).toBe(holed.length);
      const gaps = await findCandleGaps(storage.connection.db, key);
      expect(gaps).toEqual([
        { from: (real[300] as Candle).ts, to: (real[799] as Candle).ts, missing: 500 },
        { from: (real[1000] as Candle).ts, to: (real[1004] as Candle).ts, missing: 5 },
      ]);
      // Within a range, only the gaps inside it.
      expect(await findCandleGaps(storage.connection.db, key, { from: (real[900] as Candle).ts })).toHaveLength(1);
      const list = await listCandleSeries(storage.connection.db);
      expect(list).toEqual([{ ...key, first, last: (real[1439] as Candle).ts, count: holed.length, gaps }]);
    } finally {
      await storage.dispose();
    }
  });
});
