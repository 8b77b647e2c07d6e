import * as fs from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '@cab/domain/testing';
import { bundledCandleFile, formatCandleCsv, readCandleFile } from '../market-data/candle-csv';
import { ReplayMarketData } from '../market-data/replay-market-data';
import { parseSettings } from '../settings';
import { tempDir } from '../testing';
import { marketDataFromSettings } from './market-data-from-settings';

describe('marketDataFromSettings: replay', () => {
  const candles = readCandleFile(bundledCandleFile()).slice(0, 300);

  it.each([
    ['true', false],
    ['false', true],
  ])('REPLAY_LOOP=%s: after the last candle the replay is finished: %s', async (loop, finished) => {
    const { dir, cleanup } = tempDir('cab-md-');
    try {
      fs.writeFileSync(join(dir, 'short.csv'), formatCandleCsv(candles));
      const settings = parseSettings({ MARKET_DATA: 'replay', REPLAY_FILE: join(dir, 'short.csv'), REPLAY_SPEED: '60', REPLAY_LOOP: loop }, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
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
});
