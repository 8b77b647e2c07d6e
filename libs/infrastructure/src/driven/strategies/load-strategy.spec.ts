// Strategy plug-ins from a folder or an npm package (docs/strategies.md): real files in temp folders, loaded by jiti.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BacktestStrategyError } from '../../driving/backtest/backtest-options';
import { runBacktest } from '../../driving/backtest/run-backtest';
import { bundledCandleFile, readCandleFile } from '../market-data/candle-csv';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
import { loadStrategy, loadStrategyDefinition } from './load-strategy';

const EXAMPLES = path.resolve(__dirname, '../../../../../examples/strategies');
const candles = readCandleFile(bundledCandleFile());

/** A plug-in whose signal throws on the candle of this open time (ms). */
const THROWS_AT = `
import { defineStrategy, lazySignal } from '@cab/domain';
export default defineStrategy({
  name: 'thrower',
  parameters: { at: { type: 'integer', min: 0, max: 9e15, default: 0 } },
  create: (p) => {
    let last = 0;
    return {
      name: 'thrower', warmup: 1,
      update: (c: { ts: number }) => { last = c.ts; },
      signal: () => { if (last === p.at) throw new RangeError('no price for ' + last + '\\n    at secret.ts:1'); return lazySignal('hold', () => ['TEST.HOLD']); },
      reset: () => undefined,
    };
  },
});
`;

describe('loadStrategy', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('cab-plugins-')));
  afterEach(() => cleanup());

  const write = (file: string, text: string): string => {
    const p = path.join(dir, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };
  const settings = () => parseSettings({}, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });

  it('answers a built-in by its name, without a folder', () => {
    const f = loadStrategy('mean_reversion', { params: { bbPeriod: 30 } });
    expect(f.ok && f.value.name).toBe('mean_reversion');
    expect(f.ok && f.value.params['bbPeriod']).toBe(30);
  });

  it('runs an example copied under a NEW name into an empty folder, by that name, in a backtest', async () => {
    fs.copyFileSync(path.join(EXAMPLES, 'donchian_breakout.ts'), path.join(dir, 'my_breakout.ts'));
    const r = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'my_breakout', strategyPath: dir, settings: settings() });
    expect(r.summary.strategy).toBe('my_breakout');
    expect(r.summary.trades).toBeGreaterThan(0);
    expect(r.trades.find((f) => f.side === 'buy')?.reason).toMatch(/^signal: SIGNAL\.BREAKOUT_UP: /);
  });

  it('a backtest takes a strategy loaded once (an optimizer runs many): the same fills as loading it by name', async () => {
    const loaded = loadStrategy('donchian_breakout', { strategyPath: EXAMPLES, params: { entryPeriod: 20 } });
    if (!loaded.ok) throw new Error(loaded.error.join('; '));
    const s = settings();
    const byName = await runBacktest({
      candles,
      symbol: 'BTC/USDT',
      strategy: 'donchian_breakout',
      params: { entryPeriod: 20 },
      strategyPath: EXAMPLES,
      settings: s,
    });
    const given = await runBacktest({
      candles,
      symbol: 'BTC/USDT',
      strategy: 'donchian_breakout',
      params: { entryPeriod: 20 },
      strategyFactory: loaded.value,
      settings: s,
    });
    expect(given.trades.length).toBeGreaterThan(0);
    expect(given.trades).toEqual(byName.trades);
  });

  it('loads plain CommonJS JavaScript (.js) and an installed npm package by its name', () => {
    const js = `const { defineStrategy, lazySignal } = require('@cab/domain');
module.exports = { strategy: defineStrategy({ name: 'js_one', parameters: { n: { type: 'integer', min: 1, max: 9, default: 3 } },
  create: (p) => ({ name: 'js_one', warmup: p.n, update() {}, signal: () => lazySignal('hold', () => ['TEST.JS']), reset() {} }) }) };`;
    write('plugins/js_one.js', js);
    const a = loadStrategy('js_one', { strategyPath: path.join(dir, 'plugins') });
    expect(a.ok && a.value.warmup).toBe(3);
    write('node_modules/@me/strat/package.json', JSON.stringify({ name: '@me/strat', main: 'main.js' }));
    write('node_modules/@me/strat/main.js', js);
    const b = loadStrategyDefinition('@me/strat', { cwd: dir });
    expect(b.ok && b.value.definition.name).toBe('@me/strat');
    expect(b.ok && b.value.file).toBe(path.join(dir, 'node_modules/@me/strat/main.js'));
  });

  it('says clearly, in one line, what is wrong: no file, no strategy exported, a module that does not compile, parameters out of bounds', () => {
    const none = loadStrategy('nope', { strategyPath: dir, cwd: dir });
    expect(!none.ok && none.error).toEqual([
      `strategy "nope": not a built-in (ema_cross_rsi, mean_reversion); no nope.ts or nope.js in ${dir}; no npm package nope installed in ${dir}`,
    ]);
    const noFolder = loadStrategy('nope', { cwd: dir });
    expect(!noFolder.ok && noFolder.error[0]).toMatch(/set STRATEGY_PATH \(or --strategy-path DIR\) to load a plug-in from a folder$/);
    write('empty.ts', 'export const answer = 42;\n');
    const empty = loadStrategy('empty', { strategyPath: dir });
    expect(!empty.ok && empty.error[0]).toBe(
      `strategy "empty": ${path.join(dir, 'empty.ts')} exports no strategy (export default defineStrategy({...}) from @cab/domain; see docs/strategies.md)`,
    );
    write('broken.ts', 'export default {{{ ;\n');
    const broken = loadStrategy('broken', { strategyPath: dir });
    expect(!broken.ok && broken.error[0]).toMatch(new RegExp(`^strategy "broken": cannot load ${path.join(dir, 'broken.ts')}: `));
    expect(!broken.ok && broken.error[0]).not.toMatch(/\n/);
    fs.copyFileSync(path.join(EXAMPLES, 'macd_trend.ts'), path.join(dir, 'macd_copy.ts'));
    const bounds = loadStrategy('macd_copy', { strategyPath: dir, params: { fast: 1, slow: 500, signal: 'x', depth: 3 } });
    expect(!bounds.ok && bounds.error).toEqual([
      'depth: not a parameter of macd_copy',
      'fast: must be an integer in [2, 200], got 1',
      'slow: must be an integer in [3, 400], got 500',
      'signal: must be an integer in [2, 200], got "x"',
    ]);
    // A name is a file name: it never walks out of the folder.
    write('inner/x.ts', 'export default 1;');
    expect(loadStrategy('../x', { strategyPath: path.join(dir, 'inner'), cwd: dir }).ok).toBe(false);
  });

  it('stops a backtest whose strategy throws, naming the strategy, the symbol and the candle (the message only, no stack)', async () => {
    write('thrower.ts', THROWS_AT);
    const at = candles[300]!.ts;
    const run = runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'thrower', params: { at }, strategyPath: dir, settings: settings() });
    await expect(run).rejects.toThrow(BacktestStrategyError);
    await expect(run).rejects.toThrow(
      `backtest stopped: strategy thrower threw in signal on the candle of ${new Date(at).toISOString()}: no price for ${at} (BTC/USDT)`,
    );
  });
});
