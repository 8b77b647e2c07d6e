import type { BacktestReport, ReportSummary } from '@cab/application';
import { dec, strategyFactory, type Candle, type StrategyDefinition, type StrategyFactory } from '@cab/domain';
import { runCoreBacktest } from '../backtest/core-backtest';
import type { Settings } from '../../settings';
import { unpackCandles } from './candle-pack';
import { score, type EquitySeries, type Objective } from './objectives';
import type { ParamSet } from './search-space';
import { lookUpStrategy } from './strategy-lookup';

/** What runCoreBacktest reads of the settings; only this crosses into the workers (no secrets there). */
export type BacktestSettings = Pick<Settings, 'paper' | 'risk' | 'exits' | 'trading' | 'idempotency'>;

/** Given to every worker once (piscina's workerData): the candles and what every task shares. */
export interface EvaluatorInit {
  strategy: string;
  /** Where a plug-in strategy is found; each worker loads it once. */
  strategyPath?: string;
  objective: Objective;
  settings: BacktestSettings;
  datasets: { symbol: string; candles: SharedArrayBuffer }[];
}

/** One backtest: one parameter set on one window of one data set. */
export interface OptimizeTask {
  dataset: number;
  /** Candle indexes: [start, end) traded, the `history` candles before start only seen. */
  start: number;
  end: number;
  history: number;
  /** The full parameters (searched ones over the base ones). */
  params: ParamSet;
  /** Send the equity curve back (for the walk-forward's combined out-of-sample curve). */
  withCurve?: boolean;
}

/** A backtest's summary without what depends on the machine (elapsed time, speed): optimize.json is byte-identical for a seed. */
export type RunSummary = Omit<ReportSummary, 'elapsedMs' | 'candlesPerSecond' | 'strategy' | 'params'>;

export interface TaskResult {
  score: string | null;
  summary: RunSummary;
  /** The equity curve from the window's start (start equity first), decimal text; only with `withCurve`. */
  curve?: { ts: number[]; equity: string[] };
  /** The worker thread that ran it (0 = the main thread), to show the work was spread. */
  threadId: number;
  elapsedMs: number;
}

function seriesOf(r: BacktestReport): EquitySeries {
  return {
    ts: [r.summary.from, ...r.equity.map((p) => p.ts)],
    equity: [dec(r.summary.startEquity), ...r.equity.map((p) => dec(p.equity))],
  };
}

function trimSummary(s: ReportSummary): RunSummary {
  const out: Partial<ReportSummary> = { ...s };
  delete out.elapsedMs;
  delete out.candlesPerSecond;
  delete out.strategy;
  delete out.params;
  return out as RunSummary;
}

/**
 * The function a worker runs per task, built once per worker: the candles are unpacked on the
 * first task and kept (a worker serves many tasks). The main thread builds one too for a
 * sequential run — the same code, so a parallel run must give the same results.
 */
export function createEvaluator(init: EvaluatorInit, threadId: number): (task: OptimizeTask) => Promise<TaskResult> {
  let candles: Candle[][] | null = null;
  // The definition once per worker (a plug-in is compiled once, not per task); each task its parameters.
  const def = lookUpStrategy(init.strategy, init.strategyPath);
  return async (task) => {
    candles ??= init.datasets.map((d) => unpackCandles(d.candles));
    const set = init.datasets[task.dataset];
    const series = candles[task.dataset];
    if (!set || !series) throw new RangeError(`no data set ${task.dataset}`);
    const report = await runCoreBacktest({
      candles: series.slice(task.start - task.history, task.end),
      warmupCandles: task.history,
      symbol: set.symbol,
      strategy: init.strategy,
      strategyFactory: factoryOf(def, task.params),
      params: task.params,
      // runCoreBacktest reads only these parts of the settings (BacktestSettings).
      settings: init.settings as Settings,
      progressEvery: Number.MAX_SAFE_INTEGER,
    });
    const eq = seriesOf(report);
    return {
      score: score(init.objective, eq),
      summary: trimSummary(report.summary),
      ...(task.withCurve ? { curve: { ts: [...eq.ts], equity: eq.equity.map((e) => e.toFixed()) } } : {}),
      threadId,
      elapsedMs: report.summary.elapsedMs,
    };
  };
}

/** The task's strategy: its parameters were checked when the search drew them, so a refusal here is a bug. */
function factoryOf(def: StrategyDefinition<object>, params: ParamSet): StrategyFactory {
  const f = strategyFactory(def, params);
  if (!f.ok) throw new RangeError(`${def.name}: ${f.error.join('; ')}`);
  return f.value;
}
