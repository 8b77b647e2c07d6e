// `cab backtest` and `cab data import` of the BUILT CLI, on the bundled real candles.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FakeClock } from '@cab/domain/testing';
import { bundledCandleFile, openSqliteStorage } from '@cab/infrastructure';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'dist/apps/cli/main.cjs');
let cwd: string;

function cab(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', DB_PATH: path.join(cwd, 'bot.db') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, all: r.stdout + r.stderr };
}

beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-cli-bt-'));
});
afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('cab backtest (built bundle)', () => {
  it('runs over a gzipped file and writes the report', () => {
    fs.writeFileSync(path.join(cwd, 'day.csv.gz'), gzipSync(fs.readFileSync(bundledCandleFile())));
    const r = cab([
      'backtest',
      '--data',
      'day.csv.gz',
      '--symbol',
      'BTC/USDT',
      '--strategy',
      'ema_cross_rsi',
      '--params',
      '{"fastPeriod":5,"slowPeriod":13,"rsiPeriod":7}',
      '--out',
      'out',
    ]);
    expect(r.code).toBe(0);
    // The first 200 candles are history (the paper replay's warm-up): 1,240 traded.
    expect(r.out).toMatch(/^candles\s+1240$/m);
    expect(r.out).toMatch(/^fills \/ round trips\s+\d+ \/ [1-9]\d*$/m);
    const report = JSON.parse(fs.readFileSync(path.join(cwd, 'out', 'report.json'), 'utf8')) as {
      trades: unknown[];
      closedTrades: unknown[];
      summary: { candles: number; elapsedMs: number };
    };
    expect(report.trades.length).toBeGreaterThan(0);
    expect(report.summary.candles).toBe(1240);
    const all = cab(['backtest', '--data', 'day.csv.gz', '--warmup', '0', '--out', 'out0']);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/^candles\s+1440$/m);
    // The bundle finds the chart library in node_modules (require.resolve) and inlines it with the chart data.
    const html = fs.readFileSync(path.join(cwd, 'out', 'report.html'), 'utf8');
    expect(html).toContain('TradingView Lightweight Charts™ v5.2.1');
    expect(html).toMatch(/<script type="application\/json" id="chart-data">\{"barMs":60000,/);
    expect(html.match(/<tr class="trip">/g)?.length).toBe(report.closedTrades.length);
  });

  it.each([
    [['backtest'], 'Missing required argument: data'],
    [['backtest', '--data', 'missing.csv'], '--data: '],
    [['backtest', '--data', '__BUNDLED__', '--params', '{x'], '--params: not valid JSON'],
    [['backtest', '--data', '__BUNDLED__', '--strategy', 'nope'], 'strategy "nope": not a built-in (ema_cross_rsi, mean_reversion)'],
    [['backtest', '--data', '__BUNDLED__', '--warmup', '-3'], '--warmup: expected a whole number of candles'],
    [['backtest', '--data', '__BUNDLED__', '--warmup', '1440'], 'no candles in the selected range after 1440 candles of warm-up'],
  ])('%j: exit 2 with a clear message and no stack', (args, why) => {
    const r = cab((args as string[]).map((a) => (a === '__BUNDLED__' ? bundledCandleFile() : a)));
    expect(r.code).toBe(2);
    expect(r.err).toContain(why);
    expect(r.all).not.toMatch(/\n\s+at /);
  });
});

describe('cab backtest with plug-in strategies and several files (built bundle)', () => {
  const examples = path.join(root, 'examples/strategies');
  const fixtures = path.join(root, 'libs/infrastructure/assets/fixtures');

  it('runs an example copied under a new name from --strategy-path, a portfolio of two files, and --strategy-list', () => {
    fs.mkdirSync(path.join(cwd, 'mine'));
    fs.copyFileSync(path.join(examples, 'zscore_reversion.ts'), path.join(cwd, 'mine', 'my_z.ts'));
    const one = cab(['backtest', '--strategy-path', 'mine', '--strategy', 'my_z', '--data', bundledCandleFile(), '--out', 'one']);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^strategy\s+my_z \{\}$/m);
    expect(one.out).toMatch(/^fills \/ round trips\s+\d+ \/ [1-9]\d*$/m);
    fs.copyFileSync(path.join(fixtures, 'btc_usdt-1m-binance-2021-05-19.csv.gz'), path.join(cwd, 'BTC.csv.gz'));
    fs.copyFileSync(path.join(fixtures, 'eth_usdt-1m-binance-2021-05-19.csv.gz'), path.join(cwd, 'ETH.csv.gz'));
    const list = cab([
      'backtest',
      '--strategy-path',
      'mine',
      '--strategy-list',
      'ema_cross_rsi,my_z',
      '--data',
      'BTC.csv.gz',
      '--data',
      'ETH.csv.gz',
      '--out',
      'cmp',
    ]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^strategy\s+trades\s+win rate\s+net PnL/);
    expect(list.out).toMatch(/^ema_cross_rsi\s+\d+\s/m);
    expect(list.out).toMatch(/^my_z\s+\d+\s/m);
    const r = JSON.parse(fs.readFileSync(path.join(cwd, 'cmp', 'my_z', 'report.json'), 'utf8')) as { summary: { symbol: string } };
    expect(r.summary.symbol).toBe('BTC/USDT,ETH/USDT');
  });

  it('a strategy that throws stops the backtest with exit 1, naming the strategy and the candle, without a stack', () => {
    fs.writeFileSync(
      path.join(cwd, 'boom.ts'),
      `import { defineStrategy } from '@cab/domain';
export default defineStrategy({ name: 'boom', parameters: {}, create: () => ({ name: 'boom', warmup: 1,
  update: (c: { close: number }) => { if (c.close > 17800) throw new Error('too high: ' + c.close); },
  signal: () => ({ action: 'hold', reasons: [] }), reset: () => undefined }) });`,
    );
    const r = cab(['backtest', '--strategy-path', '.', '--strategy', 'boom', '--data', bundledCandleFile(), '--out', 'b']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^cab: backtest stopped: strategy boom threw in update on the candle of 2022-12-13T\d\d:\d\d:00\.000Z: too high: \d+(\.\d+)? \(BTC\/USDT\)\n$/,
    );
    expect(r.all).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      ['backtest', '--data', '__BUNDLED__', '--strategy-path', '.', '--strategy', 'absent'],
      'strategy "absent": not a built-in (ema_cross_rsi, mean_reversion); no absent.ts or absent.js in',
    ],
    [
      ['backtest', '--data', '__BUNDLED__', '--strategy-path', '__EXAMPLES__', '--strategy', 'macd_trend', '--params', '{"fast":1}'],
      'fast: must be an integer in [2, 200], got 1',
    ],
  ])('%j: exit 2 with a clear message and no stack', (args, why) => {
    const r = cab((args as string[]).map((a) => (a === '__BUNDLED__' ? bundledCandleFile() : a === '__EXAMPLES__' ? examples : a)));
    expect(r.code).toBe(2);
    expect(r.err).toContain(why);
    expect(r.all).not.toMatch(/\n\s+at /);
  });
});

describe('cab data import (built bundle)', () => {
  it('imports CSV and freqtrade JSON into the candle store, idempotently', async () => {
    const csv = cab(['data', 'import', bundledCandleFile()]);
    expect(csv.code).toBe(0);
    expect(csv.out).toMatch(/^imported 1440 BTC\/USDT 1m candles/);
    const rows = fs
      .readFileSync(bundledCandleFile(), 'utf8')
      .trim()
      .split('\n')
      .slice(1, 11)
      .map((l) => l.split(',').map(Number));
    fs.writeFileSync(path.join(cwd, 'ETH_USDT-1m.json'), JSON.stringify(rows));
    expect(cab(['data', 'import', 'ETH_USDT-1m.json', '--symbol', 'eth/usdt']).out).toMatch(/^imported 10 ETH\/USDT 1m candles/);
    expect(cab(['data', 'import', bundledCandleFile()]).code).toBe(0);
    const storage = openSqliteStorage({ path: path.join(cwd, 'bot.db'), clock: new FakeClock() });
    try {
      expect(await storage.candles.latest({ exchange: 'gateio', symbol: 'BTC/USDT', timeframe: '1m' }, 5000)).toHaveLength(1440);
      expect(await storage.candles.latest({ exchange: 'gateio', symbol: 'ETH/USDT', timeframe: '1m' }, 5000)).toHaveLength(10);
    } finally {
      await storage.close();
    }
  });

  it.each([
    [['data', 'import'], 'import needs the candle file'],
    [['data', 'download'], 'download needs --since'],
    [['data', 'import', 'missing.csv'], 'missing.csv: '],
  ])('%j: exit 2 with a clear message', (args, why) => {
    const r = cab(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(why);
  });
});
