import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Candle } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { openTempStorage, tempDir } from '../../testing';
import { bundledCandleFile, CandleFileError, formatCandleCsv, parseCandleCsv, parseFreqtradeJson, readCandleFile } from './candle-csv';
import { downloadCandles, importCandles, timeframeToMs, type OhlcvSource } from './candle-download';

const real = readCandleFile(bundledCandleFile());
const asFreqtrade = (cs: readonly Candle[]) => JSON.stringify(cs.map((c) => [c.ts, c.open, c.high, c.low, c.close, c.volume]));

describe('freqtrade JSON and CSV round trips', () => {
  it('parses freqtrade JSON (what `freqtrade download-data` writes) to the same candles', () => {
    expect(parseFreqtradeJson(asFreqtrade(real))).toEqual(real);
  });

  it('reads .json and .json.gz files by extension', () => {
    const { dir, cleanup } = tempDir('cab-ft-');
    try {
      fs.writeFileSync(path.join(dir, 'BTC_USDT-1m.json'), asFreqtrade(real.slice(0, 10)));
      fs.writeFileSync(path.join(dir, 'BTC_USDT-1m.json.gz'), gzipSync(asFreqtrade(real.slice(0, 20))));
      expect(readCandleFile(path.join(dir, 'BTC_USDT-1m.json'))).toEqual(real.slice(0, 10));
      expect(readCandleFile(path.join(dir, 'BTC_USDT-1m.json.gz'))).toEqual(real.slice(0, 20));
    } finally {
      cleanup();
    }
  });

  it('refuses broken JSON with the row that shows why', () => {
    expect(() => parseFreqtradeJson('{}')).toThrow(CandleFileError);
    expect(() => parseFreqtradeJson('[[1,2,3]]')).toThrow(/row 1: expected 6 values/);
    expect(() => parseFreqtradeJson('[[2,1,1,1,1,1],[1,1,1,1,1,1]]')).toThrow(/strictly ascending/);
    expect(() => parseFreqtradeJson('[[1,"1",1,1,1,1]]')).toThrow(/not a number/);
  });

  it('formats CSV that parses back to the same candles', () => {
    expect(parseCandleCsv(formatCandleCsv(real))).toEqual(real);
  });

  it('reads timestamps in epoch seconds as seconds (CSV and JSON), and refuses a file that mixes units', () => {
    const seconds = real.slice(0, 50).map((c) => ({ ...c, ts: c.ts / 1000 }));
    expect(parseCandleCsv(formatCandleCsv(seconds))).toEqual(real.slice(0, 50));
    expect(parseFreqtradeJson(asFreqtrade(seconds))).toEqual(real.slice(0, 50));
    const mixed = formatCandleCsv([...seconds.slice(0, 2), ...real.slice(2, 3)]);
    expect(() => parseCandleCsv(mixed, 'mixed.csv')).toThrow(
      'mixed.csv:4: timestamps mix units: the file starts in epoch seconds (1670889600), this row is in milliseconds (1670889720000)',
    );
    // Small numbers stay milliseconds (synthetic files that start at 0).
    expect(parseCandleCsv('timestamp,open,high,low,close,volume\n0,1,1,1,1,1\n60000,1,1,1,1,1\n').map((c) => c.ts)).toEqual([0, 60_000]);
  });
});

/** A venue that serves `candles` like Gate: at most `max` bars from `since`, the open bar included. */
function venue(candles: readonly Candle[], max = 1000): OhlcvSource & { calls: number } {
  const src = {
    calls: 0,
    async fetchOHLCV(_symbol: string, _tf?: string, since = 0, limit = max) {
      src.calls += 1;
      return candles
        .filter((c) => c.ts >= since)
        .slice(0, Math.min(limit, max))
        .map((c) => [c.ts, c.open, c.high, c.low, c.close, c.volume]);
    },
  };
  return src;
}

describe('downloadCandles', () => {
  const first = real[0]?.ts ?? 0;

  it('pages through the whole range and keeps only closed candles', async () => {
    const src = venue(real, 100);
    const now = (real[1439]?.ts ?? 0) + 30_000; // the last bar is still open
    const got = await downloadCandles(src, { symbol: 'BTC/USDT', timeframe: '1m', since: first, now, pageLimit: 100 });
    expect(got).toEqual(real.slice(0, 1439));
    expect(src.calls).toBeGreaterThanOrEqual(15);
  });

  it('honours since and until', async () => {
    const got = await downloadCandles(venue(real), {
      symbol: 'BTC/USDT',
      timeframe: '1m',
      since: first + 60 * 60_000,
      until: first + 120 * 60_000,
      now: first + 10 ** 9,
    });
    expect(got).toEqual(real.slice(60, 120));
  });

  it('stops on a page that makes no progress instead of looping', async () => {
    const stuck: OhlcvSource = { fetchOHLCV: async () => [[first, 1, 1, 1, 1, 1]] };
    const got = await downloadCandles(stuck, { symbol: 'BTC/USDT', timeframe: '1m', since: first + 60_000, now: first + 10 ** 9 });
    expect(got).toEqual([]);
  });

  it('parses timeframes and refuses nonsense', () => {
    expect(timeframeToMs('5m')).toBe(300_000);
    expect(timeframeToMs('1h')).toBe(3_600_000);
    expect(() => timeframeToMs('5 minutes')).toThrow(/not a timeframe/);
  });
});

describe('importCandles', () => {
  it('stores candles in a real SQLite file, idempotently', async () => {
    const storage = openTempStorage(new FakeClock());
    try {
      const key = { exchange: 'gateio', symbol: 'BTC/USDT', timeframe: '1m' };
      expect(await importCandles(storage.candles, key, real, 500)).toBe(1440);
      await importCandles(storage.candles, key, real.slice(0, 100));
      expect(await storage.candles.latest(key, 2000)).toEqual(real);
    } finally {
      await storage.dispose();
    }
  });
});
