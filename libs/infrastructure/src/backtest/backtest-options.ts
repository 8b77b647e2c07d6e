import type { Logger } from '@cab/application';
import type { Candle } from '@cab/domain';
import { REPLAY_WARMUP_CANDLES } from '../market-data/replay-market-data';
import type { Settings } from '../settings';

export interface BacktestOptions {
  /** One symbol's candles, ascending, one timeframe. */
  candles: readonly Candle[];
  symbol: string;
  strategy: string;
  params?: Record<string, unknown>;
  /**
   * Trade only candles with from ≤ open time < to. Candles before `from` are history: the strategy
   * sees them, nothing is decided on them, and the report does not count them.
   */
  from?: number;
  to?: number;
  /**
   * Without `from`: how many of the first candles are history (default REPLAY_WARMUP_CANDLES, the
   * server replay's warm-up, so a backtest and a paper replay of one file trade the same candles).
   * Not with `from` (a RangeError): then the candles before `from` are the history.
   */
  warmupCandles?: number;
  /**
   * The same settings as paper trading: fees, risk, exits, idempotency, paper balances. The
   * backtest overrides only what a virtual run needs: MODE=paper, the symbol, the loop intervals
   * (one evaluation and one exit check per candle, reconcile and watchdog every `reconcileEveryCandles`) and an in-memory database.
   */
  settings: Settings;
  /** Reconcile every this many candles (default 60): the live pipeline's reconcile, in virtual time. */
  reconcileEveryCandles?: number;
  logger?: Logger;
  /** Called every `progressEvery` candles (default 10,000) with candles done and total. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
}

/**
 * The candles the replay shows (history, then the traded range, ending before `to`) and how many
 * of them are history: those before `from`, or the first `warmupCandles` without it.
 */
export function splitWarmup(opts: BacktestOptions): { series: readonly Candle[]; history: number } {
  const series = opts.to === undefined ? opts.candles : opts.candles.filter((c) => c.ts < (opts.to as number));
  if (opts.from !== undefined) {
    if (opts.warmupCandles !== undefined) throw new RangeError('warmupCandles: give it or from, not both (the candles before from are the history)');
    const from = opts.from;
    const i = series.findIndex((c) => c.ts >= from);
    return { series, history: i === -1 ? series.length : i };
  }
  const n = opts.warmupCandles ?? REPLAY_WARMUP_CANDLES;
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`warmupCandles: expected a whole number ≥ 0, got ${n}`);
  return { series, history: Math.min(n, series.length) };
}
