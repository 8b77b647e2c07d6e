// The example plug-ins of examples/strategies (docs/strategies.md) trade the bundled real day.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBacktest } from '../../driving/backtest/run-backtest';
import { bundledCandleFile, readCandleFile } from '../market-data/candle-csv';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
import { loadStrategyDefinition } from './load-strategy';

const EXAMPLES = path.resolve(__dirname, '../../../../../examples/strategies');
const candles = readCandleFile(bundledCandleFile());

function settings() {
  const { dir, cleanup } = tempDir('cab-examples-');
  try {
    return parseSettings({}, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
  } finally {
    cleanup();
  }
}

describe('examples/strategies', () => {
  const names = fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3));

  it('holds at least three strategies, one file each, each exporting a documented definition under its file name', () => {
    expect(names).toEqual(expect.arrayContaining(['macd_trend', 'zscore_reversion', 'donchian_breakout']));
    for (const name of names) {
      const d = loadStrategyDefinition(name, { strategyPath: EXAMPLES });
      expect(d.ok && d.value.definition.name).toBe(name);
      expect(d.ok && (d.value.definition.description ?? '').length).toBeGreaterThan(20);
      expect(d.ok && Object.keys(d.value.definition.parameters ?? {}).length).toBeGreaterThan(0);
    }
  });

  it.each(['macd_trend', 'zscore_reversion', 'donchian_breakout'])('%s backtests on the bundled day and makes trades', async (name) => {
    const r = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: name, strategyPath: EXAMPLES, settings: settings() });
    expect(r.summary.strategy).toBe(name);
    expect(r.summary.trades).toBeGreaterThan(0);
    // Every entry names the strategy's own reason code.
    const entries = r.trades.filter((f) => f.side === 'buy');
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((f) => /^signal: SIGNAL\.[A-Z_]+: /.test(f.reason ?? ''))).toBe(true);
  });
});
