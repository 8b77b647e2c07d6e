import { dec, ZERO } from '@cab/domain';
import type { RunSummary } from './evaluate-task';
import type { Objective } from './objectives';
import type { ParamSet } from './search-space';
import type { CandleWindow } from './walk-forward';

// What `cab optimize` writes to optimize.json (docs/optimize.md reads it field by field).

/** A parameter set's score on one window: the mean over the data sets, and each one's summary. */
export interface WindowResult {
  window: number;
  score: string | null;
  datasets: { symbol: string; score: string | null; summary: RunSummary }[];
}

export interface OptimizeRun {
  id: number;
  params: ParamSet;
  /** Mean score over the training windows (0 … K−1; the only window without walk-forward), whose summaries are in `windows`. */
  inSample: { score: string | null; windows: number[] };
  /** Mean score over the windows that follow a training window (1 … K); null without walk-forward. */
  outOfSample: { score: string | null; windows: number[] } | null;
  windows: WindowResult[];
}

export interface FoldResult {
  fold: number;
  train: number;
  test: number;
  /** The run with the best score on the training window: chosen without seeing the test window. */
  bestRun: number;
  params: ParamSet;
  inSample: WindowResult;
  outOfSample: WindowResult;
}

/** A chained result (folds one after another) on one data set. */
export interface CombinedResult {
  score: string | null;
  datasets: { symbol: string; score: string | null; returnPct: string | null; maxDrawdownPct: string; from: number; to: number }[];
}

export interface OptimizeResult {
  strategy: string;
  method: 'grid' | 'random';
  objective: Objective;
  seed: number;
  trials: number | null;
  walkForward: number;
  base: Record<string, unknown>;
  space: { names: readonly string[]; values: readonly (readonly unknown[])[]; size: number };
  historyCandles: number;
  data: { symbol: string; source: string; candles: number; windows: (CandleWindow & { from: number; to: number })[] }[];
  skipped: { params: ParamSet; reason: string }[];
  runs: OptimizeRun[];
  folds: FoldResult[];
  /**
   * The headline: with walk-forward, the folds' out-of-sample windows chained (each fold's choice
   * traded on the window after its training); without, the best run in-sample (an optimistic number).
   */
  headline: { kind: 'out-of-sample' | 'in-sample'; inSample: CombinedResult; outOfSample: CombinedResult | null };
  /** The parameters to trade next: the best on the most recent window. Expect the headline's out-of-sample result, not their in-sample score. */
  best: { runId: number; params: ParamSet; chosenOnWindow: number; inSample: WindowResult };
  overfitting: { warning: boolean; reason: string | null };
  /** Machine-dependent figures, the only part that differs between two runs of one seed. */
  timings: { elapsedMs: number; backtests: number; backtestsPerSecond: number; threads: number; threadsUsed: number };
}

/**
 * The overfitting warning: the folds' choices did much worse on the windows they had not seen than
 * on those they were chosen on — the out-of-sample score at or below zero while the in-sample one
 * is above it, or less than half of it. Without walk-forward there is nothing to compare: a warning
 * that the result is in-sample only.
 */
export function overfitting(folds: number, is: CombinedResult, oos: CombinedResult | null): { warning: boolean; reason: string | null } {
  if (folds === 0 || !oos)
    return { warning: true, reason: 'no walk-forward (--walk-forward 0): every figure is in-sample, chosen on the same candles it is scored on' };
  if (is.score === null || oos.score === null) return { warning: false, reason: null };
  const i = dec(is.score);
  const s = dec(oos.score);
  if (i.gt(ZERO) && s.lte(ZERO))
    return { warning: true, reason: `out-of-sample ${oos.score} against in-sample ${is.score}: the edge found in training did not carry over` };
  if (i.gt(ZERO) && s.lt(i.div(dec('2'))))
    return {
      warning: true,
      reason: `out-of-sample ${oos.score} is less than half the in-sample ${is.score}: the choice fits its training windows much better than new data`,
    };
  return { warning: false, reason: null };
}
