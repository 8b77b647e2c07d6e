// `cab optimize`, `cab data list` and `--data db:SYMBOL` of the BUILT CLI (the worker is the bundle's optimize-worker.cjs).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledCandleFile } from '@cab/infrastructure';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'dist/apps/cli/main.cjs');
let cwd: string;

function cab(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', DB_PATH: path.join(cwd, 'bot.db') },
    encoding: 'utf8',
    timeout: 110_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, all: r.stdout + r.stderr };
}

const SPACE = JSON.stringify({ fastPeriod: { min: 3, max: 7, step: 2 }, slowPeriod: { choices: [13, 21] }, rsiPeriod: { choices: [7] } });
const read = (dir: string) => fs.readFileSync(path.join(cwd, dir, 'optimize.json'), 'utf8');
/** optimize.json with its timings block cut out: what must be byte-identical for a seed. */
const withoutTimings = (text: string) => text.replace(/"timings": \{[^}]*\}/, '"timings": {}');

beforeAll(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-cli-opt-'));
  fs.copyFileSync(bundledCandleFile(), path.join(cwd, 'btc.csv'));
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('cab optimize (built bundle)', () => {
  it('walks forward on two worker threads and writes optimize.json and a self-contained optimize.html', () => {
    const r = cab([
      'optimize',
      '--data',
      'btc.csv',
      '--strategy',
      'ema_cross_rsi',
      '--space',
      SPACE,
      '--objective',
      'profit',
      '--walk-forward',
      '2',
      '--threads',
      '2',
      '--out',
      'grid',
    ]);
    expect(r.all).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^6 parameter sets × 3 windows × 1 data set: \d+ backtests/m);
    expect(r.out).toMatch(/^headline \(out-of-sample\) profit: -?\d/m);
    // Not a terminal: plain progress lines with done/total, speed and ETA.
    expect(r.err).toMatch(/^18\/18 backtests \(100 %\), [\d.]+\/s, ETA \d+s$/m);
    const json = JSON.parse(read('grid')) as {
      runs: { params: Record<string, number>; inSample: { score: string | null }; windows: { datasets: { summary: { netPnl: unknown } }[] }[] }[];
      folds: unknown[];
      best: { params: Record<string, number> };
      headline: { kind: string; outOfSample: { score: string | null } };
      timings: { threads: number; threadsUsed: number };
    };
    expect(json.runs).toHaveLength(6);
    expect(json.folds).toHaveLength(2);
    expect(json.headline.kind).toBe('out-of-sample');
    expect(typeof json.runs[0]?.windows[0]?.datasets[0]?.summary.netPnl).toBe('string');
    expect(json.timings).toMatchObject({ threads: 2, threadsUsed: 2 });
    const html = fs.readFileSync(path.join(cwd, 'grid', 'optimize.html'), 'utf8');
    expect(html).toContain('Walk-forward windows');
    expect(html).toContain('Headline: out-of-sample');
    expect(html).toContain(`${json.best.params['fastPeriod']}`);
    // Self-contained: no script, no stylesheet or image from elsewhere.
    expect(html).not.toMatch(/<script|https?:\/\/|<link|<img/i);
  });

  it('is deterministic for a seed: two random searches write the same optimize.json but for the timings', () => {
    const args = [
      'optimize',
      '--data',
      'btc.csv',
      '--space',
      SPACE,
      '--method',
      'random',
      '--trials',
      '4',
      '--seed',
      '9',
      '--walk-forward',
      '1',
      '--threads',
      '2',
    ];
    expect(cab([...args, '--out', 'r1']).code).toBe(0);
    expect(cab([...args, '--out', 'r2']).code).toBe(0);
    const a = read('r1');
    expect(withoutTimings(a)).toBe(withoutTimings(read('r2')));
    expect(withoutTimings(a)).not.toBe(a);
  });

  it('optimizes a plug-in copied from examples/strategies under a new name, found by that name in --strategy-path, on both threads', () => {
    const plugins = path.join(cwd, 'my-strategies');
    fs.mkdirSync(plugins, { recursive: true });
    fs.copyFileSync(path.join(root, 'examples/strategies/donchian_breakout.ts'), path.join(plugins, 'my_breakout.ts'));
    const space = JSON.stringify({ entryPeriod: { choices: [20, 40] }, exitPeriod: { choices: [10, 20] } });
    const r = cab([
      'optimize',
      '--data',
      'btc.csv',
      '--strategy',
      'my_breakout',
      '--strategy-path',
      plugins,
      '--space',
      space,
      '--walk-forward',
      '1',
      '--threads',
      '2',
      '--out',
      'plugin',
    ]);
    expect(r.all).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const json = JSON.parse(read('plugin')) as { strategy: string; runs: { params: Record<string, number> }[]; timings: { threadsUsed: number } };
    expect(json.strategy).toBe('my_breakout');
    expect(json.runs.map((x) => [x.params['entryPeriod'], x.params['exitPeriod']]).sort()).toEqual([
      [20, 10],
      [20, 20],
      [40, 10],
      [40, 20],
    ]);
    // The plug-in was loaded inside the worker threads, not only in the main one.
    expect(json.timings.threadsUsed).toBe(2);
    // Without the folder the name means nothing: a usage error, not a stack.
    const missing = cab(['optimize', '--data', 'btc.csv', '--strategy', 'my_breakout', '--space', space, '--out', 'plugin2']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--strategy: ');
    expect(missing.all).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['--space', '{fast'], '--space: not valid JSON'],
    [['--space', '{"nope":{"choices":[1]}}'], '--space: nope: not a parameter of ema_cross_rsi'],
    [['--space', '{"rsiBuyMax":{"min":50,"max":120,"step":10}}'], "outside ema_cross_rsi's bounds: rsiBuyMax: must be a number in [1, 100], got 110"],
    [['--space', '{"fastPeriod":{"choices":[5]}}', '--trials', '5'], '--trials: only with --method random'],
    [['--space', '{"fastPeriod":{"choices":[5]}}', '--method', 'random'], '--trials: --method random needs a whole number of trials > 0'],
    [['--space', '{"fastPeriod":{"choices":[5]}}', '--objective', 'luck'], 'Invalid values'],
    [['--space', '{"fastPeriod":{"choices":[5]}}', '--data', 'missing.csv'], '--data: missing.csv: '],
    [['--space', '{"fastPeriod":{"choices":[5]}}', '--data', 'db:ETH/USDT'], '--data: db:ETH/USDT: '],
    [['--space', '{"fastPeriod":{"choices":[5]}}', '--walk-forward', '50'], 'of at least 30 need'],
  ])('%j: exit 2 with a clear message and no stack', (extra, why) => {
    const args = ['optimize', '--data', 'btc.csv', '--strategy', 'ema_cross_rsi', '--out', 'bad'];
    const r = cab([...args.filter((a, i) => !(extra.includes('--data') && (a === '--data' || args[i - 1] === '--data'))), ...extra]);
    expect(r.err).toContain(why);
    expect(r.all).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
  });
});

describe('candles from the database: cab data list, --data db:SYMBOL', () => {
  it('cab data list shows the stored series with their gaps', () => {
    // A copy of the day with a hole of 5 candles, as ETH/USDT.
    const lines = fs.readFileSync(bundledCandleFile(), 'utf8').trim().split('\n');
    fs.writeFileSync(path.join(cwd, 'eth.csv'), [...lines.slice(0, 101), ...lines.slice(106)].join('\n'));
    expect(cab(['data', 'import', 'btc.csv']).code).toBe(0);
    expect(cab(['data', 'import', 'eth.csv', '--symbol', 'ETH/USDT']).code).toBe(0);
    const list = cab(['data', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^BTC\/USDT\s+1m\s+gateio\s+2022-12-13T00:00Z\s+2022-12-13T23:59Z\s+1440\s+none$/m);
    expect(list.out).toMatch(
      /^ETH\/USDT\s+1m\s+gateio\s+2022-12-13T00:00Z\s+2022-12-13T23:59Z\s+1435\s+1 \(5 candles missing\): 2022-12-13T01:40Z → 2022-12-13T01:44Z \(5\)$/m,
    );
    const asJson = JSON.parse(cab(['data', 'list', '--json']).out) as { series: { symbol: string; gaps: unknown[] }[] };
    expect(asJson.series.map((s) => [s.symbol, s.gaps.length])).toEqual([
      ['BTC/USDT', 0],
      ['ETH/USDT', 1],
    ]);
  });

  it('cab backtest --data db:BTC/USDT trades the stored candles', () => {
    const bt = cab(['backtest', '--data', 'db:BTC/USDT', '--strategy', 'ema_cross_rsi', '--out', 'bt']);
    expect(bt.code).toBe(0);
    expect(bt.out).toMatch(/^candles\s+1240$/m);
  });

  it('cab optimize --data db:BTC/USDT gives the runs it gives on the file', () => {
    const args = ['optimize', '--space', SPACE, '--objective', 'sharpe', '--walk-forward', '1', '--threads', '2'];
    expect(cab([...args, '--data', 'db:BTC/USDT', '--out', 'from-db']).code).toBe(0);
    expect(cab([...args, '--data', 'BTC/USDT=btc.csv', '--out', 'from-file']).code).toBe(0);
    const runs = (dir: string) => JSON.stringify((JSON.parse(read(dir)) as { runs: unknown }).runs);
    expect(runs('from-db')).toBe(runs('from-file'));
  });
});
