// `cab data download` goes through ccxt's fetchOHLCV: here the real ccxt client pages through
// the emulator's candlesticks (replayed from the real candle file).
import { downloadCandles } from '@cab/infrastructure';
import { readCandleCsv, SAMPLE_CANDLES, startEmulator, type Emulator } from './index';
import { gateClient } from './testing/ccxt-client';

describe('downloadCandles through ccxt against the emulator', () => {
  let emu: Emulator;
  // In the past of the wall clock: ccxt caps a request's `to` at its own wall-clock now.
  const now = 1_700_000_030_000; // 30 s into a minute: the current bar is still open
  const rows = readCandleCsv(SAMPLE_CANDLES);

  beforeAll(async () => {
    emu = await startEmulator({ dataFile: SAMPLE_CANDLES, prices: {}, startIndex: 900, candleStepMs: 0, now: () => now });
  });
  afterAll(() => emu.close());

  it('pages through 500 closed one-minute bars with the file values', async () => {
    const ex = gateClient(emu);
    const minute = Math.floor(now / 60_000) * 60_000;
    const since = minute - 500 * 60_000;
    const pages: number[] = [];
    const got = await downloadCandles(ex, { symbol: 'BTC/USDT', timeframe: '1m', since, now, pageLimit: 100, onPage: (n) => pages.push(n) });
    expect(got).toHaveLength(500);
    expect(got[0]?.ts).toBe(since);
    expect(got[499]?.ts).toBe(minute - 60_000);
    // the current (open) bar is the file's row 900; the 500 closed ones before it are rows 400..899
    expect(got.map((c) => c.close)).toEqual(rows.slice(400, 900).map((r) => Number(r.close)));
    expect(pages.length).toBeGreaterThanOrEqual(5);
  });
});
