import { dec, maxDrawdown, str, strategyFactory, ZERO, type Candle } from '@cab/domain';
import { overfitting, type CombinedResult, type FoldResult, type OptimizeResult, type OptimizeRun, type WindowResult } from './optimize-result';
import { packCandles } from './candle-pack';
import { createEvaluator, type BacktestSettings, type EvaluatorInit, type OptimizeTask, type TaskResult } from './evaluate-task';
import { chainSeries, compareScores, profitPct, score, type EquitySeries, type Objective } from './objectives';
import { OptimizeArgsError } from './optimize-errors';
import { gridCandidates, randomCandidates, type ParamSet, type SearchSpace } from './search-space';
import { lookUpStrategy } from './strategy-lookup';
import { splitWindows, type CandleWindow } from './walk-forward';
import { openWorkerPool, type TaskPool } from './worker-pool';

export interface Dataset {
  symbol: string;
  /** Where the candles came from (a file or db:SYMBOL), for the report. */
  source: string;
  candles: readonly Candle[];
}

export type { CombinedResult, FoldResult, OptimizeResult, OptimizeRun, WindowResult } from './optimize-result';
export { overfitting } from './optimize-result';

export interface OptimizeOptions {
  datasets: readonly Dataset[];
  strategy: string;
  /** Where a plug-in strategy is found (STRATEGY_PATH / --strategy-path); built-ins need none. */
  strategyPath?: string;
  /** Parameters not searched (over the strategy's defaults). */
  base: Record<string, unknown>;
  space: SearchSpace;
  method: 'grid' | 'random';
  /** random: how many parameter sets to draw. */
  trials?: number;
  seed: number;
  objective: Objective;
  /** Walk-forward folds K: K + 1 windows; 0 = one window, in-sample only. */
  folds: number;
  settings: BacktestSettings;
  /** Worker threads; 0 = run every backtest on this thread (the sequential reference). */
  threads: number;
  onProgress?: (done: number, total: number) => void;
  /** Milliseconds from any origin, for the timings only. */
  now: () => number;
}

const meanScore = (scores: readonly (string | null)[]): string | null => {
  const known = scores.filter((s): s is string => s !== null);
  if (known.length === 0) return null;
  return str(
    known
      .reduce((a, s) => a.plus(dec(s)), ZERO)
      .div(dec(String(known.length)))
      .round(6),
  );
};

/** Ranks runs by their score on one window, best first; ties go to the earlier run (stable). */
function bestOn(runs: readonly OptimizeRun[], window: number): OptimizeRun {
  const ranked = [...runs].sort((a, b) => compareScores(a.windows[window]?.score ?? null, b.windows[window]?.score ?? null) || a.id - b.id);
  return ranked[0] as OptimizeRun;
}

/**
 * `cab optimize`'s engine: every parameter set on every window of every data set, one backtest per
 * task across the worker threads, then the walk-forward read-out (docs/optimize.md). The result is
 * the same for a seed whatever the threads and the order tasks finish in.
 */
export async function runOptimize(o: OptimizeOptions): Promise<OptimizeResult> {
  const started = o.now();
  const def = lookUpStrategy(o.strategy, o.strategyPath);
  if (o.method === 'grid' && o.trials !== undefined) throw new OptimizeArgsError('--trials: only with --method random (a grid runs every parameter set)');
  if (o.method === 'random' && !(o.trials !== undefined && Number.isInteger(o.trials) && o.trials > 0))
    throw new OptimizeArgsError('--trials: --method random needs a whole number of trials > 0');
  if (!(Number.isInteger(o.folds) && o.folds >= 0 && o.folds <= 50))
    throw new OptimizeArgsError(`--walk-forward: expected a whole number 0 … 50, got ${o.folds}`);
  if (o.datasets.length === 0) throw new OptimizeArgsError('--data: give at least one candle source');

  const drawn = o.method === 'grid' ? gridCandidates(o.space) : randomCandidates(o.space, o.trials as number, o.seed);
  const valid: { params: ParamSet; warmup: number }[] = [];
  const skipped: { params: ParamSet; reason: string }[] = [];
  for (const p of drawn) {
    const f = strategyFactory(def, { ...o.base, ...p });
    if (f.ok) valid.push({ params: { ...(f.value.params as ParamSet) }, warmup: f.value.warmup });
    else skipped.push({ params: p, reason: f.error.join('; ') });
  }
  if (valid.length === 0) throw new OptimizeArgsError(`--space: no parameter set is valid for ${o.strategy}: ${skipped[0]?.reason ?? 'none drawn'}`);
  // One history for every run, so every run trades exactly the same candles.
  const history = Math.max(...valid.map((v) => v.warmup));
  const windows = o.datasets.map((d) => splitWindows(d.candles.length, history, o.folds, `--data ${d.source}`));
  const nWindows = o.folds + 1;

  const init: EvaluatorInit = {
    strategy: o.strategy,
    ...(o.strategyPath !== undefined ? { strategyPath: o.strategyPath } : {}),
    objective: o.objective,
    // Only what a backtest reads crosses into the workers: no keys or tokens there.
    settings: { paper: o.settings.paper, risk: o.settings.risk, exits: o.settings.exits, trading: o.settings.trading, idempotency: o.settings.idempotency },
    datasets: o.datasets.map((d) => ({ symbol: d.symbol, candles: packCandles(d.candles) })),
  };
  const pool: TaskPool =
    o.threads > 0
      ? openWorkerPool(init, o.threads)
      : (() => {
          const evaluate = createEvaluator(init, 0);
          return { threads: 0, run: evaluate, ready: async () => undefined, close: async () => undefined };
        })();
  const task = (run: number, w: number, d: number, withCurve = false): OptimizeTask => {
    const win = windows[d]?.[w] as CandleWindow;
    return { dataset: d, start: win.start, end: win.end, history, params: (valid[run] as { params: ParamSet }).params, ...(withCurve ? { withCurve } : {}) };
  };

  const nData = o.datasets.length;
  const total = valid.length * nWindows * nData;
  const results: TaskResult[] = new Array(total);
  const threadIds = new Set<number>();
  let done = 0;
  let curves: TaskResult[] = [];
  let bestRuns: number[] = [];
  let runs: OptimizeRun[] = [];
  try {
    await pool.ready();
    // The clock of the speed and the ETA starts now, with every worker up.
    o.onProgress?.(0, total);
    await Promise.all(
      valid.map((_, r) =>
        Promise.all(
          Array.from({ length: nWindows * nData }, async (_x, k) => {
            const w = Math.floor(k / nData);
            const d = k % nData;
            const res = await pool.run(task(r, w, d));
            results[(r * nWindows + w) * nData + d] = res;
            threadIds.add(res.threadId);
            done += 1;
            o.onProgress?.(done, total);
          }),
        ),
      ),
    );
    const windowResult = (r: number, w: number): WindowResult => {
      const per = o.datasets.map((d, i) => {
        const res = results[(r * nWindows + w) * nData + i] as TaskResult;
        return { symbol: d.symbol, score: res.score, summary: res.summary };
      });
      return { window: w, score: meanScore(per.map((p) => p.score)), datasets: per };
    };
    runs = valid.map((v, r) => {
      const ws = Array.from({ length: nWindows }, (_, w) => windowResult(r, w));
      const training = o.folds === 0 ? ws : ws.slice(0, o.folds);
      return {
        id: r,
        params: v.params,
        inSample: { score: meanScore(training.map((x) => x.score)), windows: training.map((x) => x.window) },
        outOfSample: o.folds === 0 ? null : { score: meanScore(ws.slice(1).map((x) => x.score)), windows: ws.slice(1).map((x) => x.window) },
        windows: ws,
      };
    });
    // Fold f's choice, made on window f alone; without walk-forward the one window's best.
    bestRuns = o.folds === 0 ? [bestOn(runs, 0).id] : Array.from({ length: o.folds }, (_, f) => bestOn(runs, f).id);
    // The chosen runs again, with their equity curves, to chain them (few backtests: 2 × K × data sets).
    const again: Promise<TaskResult>[] = [];
    bestRuns.forEach((r, f) => {
      for (let d = 0; d < nData; d++) {
        again.push(pool.run(task(r, f, d, true)));
        if (o.folds > 0) again.push(pool.run(task(r, f + 1, d, true)));
      }
    });
    curves = await Promise.all(again);
  } finally {
    await pool.close();
  }

  const perFold = o.folds === 0 ? 1 : 2;
  const curveOf = (f: number, d: number, oos: boolean): EquitySeries => {
    const c = (curves[(f * nData + d) * perFold + (oos ? 1 : 0)] as TaskResult).curve as { ts: number[]; equity: string[] };
    return { ts: c.ts, equity: c.equity.map((e) => dec(e)) };
  };
  const combined = (oos: boolean): CombinedResult => {
    const per = o.datasets.map((ds, d) => {
      const chained = chainSeries(bestRuns.map((_, f) => curveOf(f, d, oos)));
      const p = profitPct(chained);
      return {
        symbol: ds.symbol,
        score: score(o.objective, chained),
        returnPct: p === null ? null : str(p),
        maxDrawdownPct: str(maxDrawdown(chained.equity).maxDrawdownPct.times(dec('100')).round(4)),
        from: chained.ts[0] ?? 0,
        to: chained.ts[chained.ts.length - 1] ?? 0,
      };
    });
    return { score: meanScore(per.map((p) => p.score)), datasets: per };
  };
  const folds: FoldResult[] =
    o.folds === 0
      ? []
      : bestRuns.map((r, f) => {
          const run = runs[r] as OptimizeRun;
          return {
            fold: f,
            train: f,
            test: f + 1,
            bestRun: r,
            params: run.params,
            inSample: run.windows[f] as WindowResult,
            outOfSample: run.windows[f + 1] as WindowResult,
          };
        });
  const inSample = combined(false);
  const outOfSample = o.folds === 0 ? null : combined(true);
  const last = bestOn(runs, nWindows - 1);
  const elapsedMs = Math.round(o.now() - started);
  const backtests = total + curves.length;
  return {
    strategy: o.strategy,
    method: o.method,
    objective: o.objective,
    seed: o.seed,
    trials: o.trials ?? null,
    walkForward: o.folds,
    base: o.base,
    space: { names: o.space.names, values: o.space.values, size: o.space.size },
    historyCandles: history,
    data: o.datasets.map((d, i) => ({
      symbol: d.symbol,
      source: d.source,
      candles: d.candles.length,
      windows: (windows[i] as CandleWindow[]).map((w) => ({ ...w, from: (d.candles[w.start] as Candle).ts, to: (d.candles[w.end - 1] as Candle).ts })),
    })),
    skipped,
    runs,
    folds,
    headline: { kind: o.folds === 0 ? 'in-sample' : 'out-of-sample', inSample, outOfSample },
    best: { runId: last.id, params: last.params, chosenOnWindow: nWindows - 1, inSample: last.windows[nWindows - 1] as WindowResult },
    overfitting: overfitting(o.folds, inSample, outOfSample),
    timings: {
      elapsedMs,
      backtests,
      backtestsPerSecond: elapsedMs > 0 ? Math.round((backtests * 10_000) / elapsedMs) / 10 : 0,
      threads: pool.threads,
      threadsUsed: threadIds.size,
    },
  };
}
