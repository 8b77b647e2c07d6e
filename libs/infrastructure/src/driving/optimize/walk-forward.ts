import { OptimizeArgsError } from './optimize-errors';

/** A window of one data set: candles [start, end) are traded; the `history` before start are only seen. */
export interface CandleWindow {
  index: number;
  start: number;
  end: number;
}

/** The fewest traded candles a window may have: below it a score says nothing. */
export const MIN_WINDOW_CANDLES = 30;

/**
 * Splits the tradable candles [history, total) into `folds + 1` consecutive windows of (nearly)
 * equal length. Fold f trains on window f and is scored on window f + 1, the one right after it
 * that its choice never saw (docs/optimize.md). With 0 folds there is one window and no
 * out-of-sample test. The first `history` candles warm the strategy up and are never traded.
 */
export function splitWindows(total: number, history: number, folds: number, label: string): CandleWindow[] {
  const n = folds + 1;
  const tradable = total - history;
  if (tradable < n * MIN_WINDOW_CANDLES)
    throw new OptimizeArgsError(
      `${label}: ${total} candles leave ${Math.max(0, tradable)} to trade after ${history} of warm-up; ${n} window${n > 1 ? 's' : ''} of at least ${MIN_WINDOW_CANDLES} need ${n * MIN_WINDOW_CANDLES + history} (fewer --walk-forward folds, more data, or smaller periods)`,
    );
  const out: CandleWindow[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ index: i, start: history + Math.floor((tradable * i) / n), end: history + Math.floor((tradable * (i + 1)) / n) });
  }
  return out;
}
