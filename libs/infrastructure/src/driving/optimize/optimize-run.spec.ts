import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { bundledCandleFile, readCandleFile } from '../../driven/market-data/candle-csv';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
import { optimizeJson } from './optimize-command';
import { renderOptimizeHtml } from './optimize-html';
import { overfitting, runOptimize, type CombinedResult, type OptimizeOptions, type OptimizeResult } from './optimize-run';
import { parseSearchSpace } from './search-space';
import { lookUpStrategy } from './strategy-lookup';

const candles = readCandleFile(bundledCandleFile());
const settings = (() => {
  const { dir, cleanup } = tempDir('cab-opt-');
  try {
    return parseSettings({}, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
  } finally {
    cleanup();
  }
})();
const def = lookUpStrategy('ema_cross_rsi');
const space = parseSearchSpace({ fastPeriod: { min: 3, max: 9, step: 2 }, slowPeriod: { choices: [13, 21] }, rsiPeriod: { choices: [7] } }, def, {});

const options = (over: Partial<OptimizeOptions> = {}): OptimizeOptions => ({
  datasets: [{ symbol: 'BTC/USDT', source: 'bundled', candles }],
  strategy: 'ema_cross_rsi',
  base: {},
  space,
  method: 'grid',
  seed: 1,
  objective: 'profit',
  folds: 2,
  settings,
  threads: 2,
  now: () => performance.now(),
  ...over,
});

/** optimize.json without its timings: what must be the same for a seed on any machine and thread count. */
const withoutTimings = (r: OptimizeResult) =>
  optimizeJson({ ...r, timings: { elapsedMs: 0, backtests: 0, backtestsPerSecond: 0, threads: 0, threadsUsed: 0 } });

describe('runOptimize: the grid on worker threads, walk-forward', () => {
  let parallel: OptimizeResult;
  let progress: number[];

  beforeAll(async () => {
    progress = [];
    parallel = await runOptimize(options({ onProgress: (d) => progress.push(d) }));
  });

  it('runs every parameter set on every window across both worker threads', () => {
    // 4 fastPeriod × 2 slowPeriod × 1 rsiPeriod; none breaks fastPeriod < slowPeriod.
    expect(parallel.runs).toHaveLength(8);
    expect(parallel.skipped).toEqual([]);
    expect(progress).toEqual(Array.from({ length: 8 * 3 + 1 }, (_, i) => i));
    // Two threads were asked for and both took tasks (distinct worker thread ids, none the main thread's 0).
    expect(parallel.timings.threads).toBe(2);
    expect(parallel.timings.threadsUsed).toBe(2);
    // Warm-up is the longest of the runs' (4 × 21 + 1); the rest splits into 3 consecutive windows.
    expect(parallel.historyCandles).toBe(85);
    const w = parallel.data[0]?.windows ?? [];
    expect(w.map((x) => [x.start, x.end])).toEqual([
      [85, 536],
      [536, 988],
      [988, 1440],
    ]);
  });

  it('chooses each fold on its training window alone and scores it on the next one', () => {
    expect(parallel.folds.map((f) => [f.train, f.test])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    for (const f of parallel.folds) {
      const bestOnTrain = Math.max(...parallel.runs.map((r) => Number(r.windows[f.train]?.score)));
      expect(Number(f.inSample.score)).toBe(bestOnTrain);
      expect(f.outOfSample).toEqual(parallel.runs[f.bestRun]?.windows[f.test]);
    }
    expect(parallel.runs[0]?.inSample.windows).toEqual([0, 1]);
    expect(parallel.runs[0]?.outOfSample?.windows).toEqual([1, 2]);
    expect(parallel.headline.kind).toBe('out-of-sample');
    // The chained out-of-sample return compounds the folds' test windows.
    const compounded = parallel.folds.reduce((g, f) => g * (1 + Number(f.outOfSample.datasets[0]?.summary.returnPct) / 100), 1);
    expect(Number(parallel.headline.outOfSample?.datasets[0]?.returnPct)).toBeCloseTo((compounded - 1) * 100, 3);
    // Money stays decimal text.
    expect(typeof parallel.runs[0]?.windows[0]?.datasets[0]?.summary.netPnl).toBe('string');
  });

  it('gives the same result as a sequential run on this thread', async () => {
    const sequential = await runOptimize(options({ threads: 0 }));
    expect(sequential.timings.threadsUsed).toBe(1);
    expect(withoutTimings(sequential)).toBe(withoutTimings(parallel));
  });

  it('is deterministic for a seed (random search): byte-identical minus timings, another seed draws other sets', async () => {
    const a = await runOptimize(options({ method: 'random', trials: 5, seed: 7, folds: 1 }));
    const b = await runOptimize(options({ method: 'random', trials: 5, seed: 7, folds: 1 }));
    const c = await runOptimize(options({ method: 'random', trials: 5, seed: 8, folds: 1, threads: 0 }));
    expect(a.runs).toHaveLength(5);
    expect(withoutTimings(a)).toBe(withoutTimings(b));
    expect(c.runs.map((r) => r.params)).not.toEqual(a.runs.map((r) => r.params));
  });

  it('without walk-forward: one window, in-sample headline, and the warning says so', async () => {
    const r = await runOptimize(options({ folds: 0, threads: 0, objective: 'sharpe' }));
    expect(r.folds).toEqual([]);
    expect(r.headline.kind).toBe('in-sample');
    expect(r.headline.outOfSample).toBeNull();
    expect(r.overfitting.warning).toBe(true);
    expect(r.overfitting.reason).toMatch(/in-sample/);
  });

  it('refuses a walk-forward whose windows would be too short', async () => {
    await expect(runOptimize(options({ folds: 50, threads: 0 }))).rejects.toThrow(/window.*of at least 30/);
  });
});

describe('several data sets, the warning and the page', () => {
  it('runs each parameter set on every data set; a window’s score is their mean', async () => {
    const eth = candles.map((c) => ({ ...c, open: c.open / 10, high: c.high / 10, low: c.low / 10, close: c.close / 10 }));
    const r = await runOptimize(
      options({
        datasets: [
          { symbol: 'BTC/USDT', source: 'btc', candles },
          { symbol: 'ETH/USDT', source: 'eth', candles: eth },
        ],
        threads: 0,
        objective: 'profit',
        folds: 1,
      }),
    );
    for (const run of r.runs)
      for (const w of run.windows) {
        expect(w.datasets.map((d) => d.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
        const [a, b] = w.datasets.map((d) => Number(d.score));
        expect(Number(w.score)).toBeCloseTo(((a as number) + (b as number)) / 2, 5);
      }
    expect(r.headline.outOfSample?.datasets.map((d) => d.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
  });

  it('warns when out-of-sample falls below half of in-sample or below zero', () => {
    const c = (score: string): CombinedResult => ({ score, datasets: [] });
    expect(overfitting(2, c('2'), c('1.5'))).toEqual({ warning: false, reason: null });
    expect(overfitting(2, c('2'), c('0.9')).reason).toMatch(/less than half/);
    expect(overfitting(2, c('1'), c('-0.2')).reason).toMatch(/did not carry over/);
    expect(overfitting(2, c('-1'), c('-3')).warning).toBe(false);
    expect(overfitting(0, c('1'), null).reason).toMatch(/in-sample/);
  });

  it('the page shows the warning plainly, escapes what it prints and fetches nothing', async () => {
    const r = await runOptimize(options({ folds: 0, threads: 0 }));
    const html = renderOptimizeHtml({ ...r, data: r.data.map((d) => ({ ...d, source: '<b>x</b>' })) });
    expect(html).toContain('<strong>Overfitting warning:</strong> no walk-forward');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toMatch(/<script|https?:\/\//);
    // Runs ranked by the objective, best first.
    const ranks = [...html.matchAll(/<tr(?: class="best")?><td>(\d+)<\/td><td>#(\d+)<\/td>/g)].map((m) => Number(m[2]));
    const scores = ranks.map((id) => Number(r.runs[id]?.inSample.score ?? -Infinity));
    expect(ranks).toHaveLength(r.runs.length);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});
