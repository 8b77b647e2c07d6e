import type { BacktestStore } from './backtest-store';
import { guardedFactory, type Candle, type StrategyFactory, type StrategyFault } from '@cab/domain';
import { loadStrategy } from '../../driven/strategies/load-strategy';
import { REPLAY_WARMUP_CANDLES } from '../../driven/market-data/replay-market-data';
import type { Settings } from '../../settings';

export interface BacktestOptions {
  /** One symbol's candles, ascending, one timeframe. */
  candles: readonly Candle[];
  symbol: string;
  /** A built-in's name, or a plug-in's (found in `strategyPath` or as an npm package: loadStrategy). */
  strategy: string;
  params?: Record<string, unknown>;
  /** STRATEGY_PATH / --strategy-path: where a plug-in strategy's file is. */
  strategyPath?: string;
  /**
   * A strategy already loaded and checked (loadStrategy): used instead of loading `strategy` again,
   * so an optimizer running many backtests reads and compiles a plug-in once. `strategy` and
   * `params` then only name it in the report.
   */
  strategyFactory?: StrategyFactory;
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
   * The same settings as paper trading: fees, risk, exits, idempotency, paper balances, the
   * strategy. The backtest takes no store, venue or timers from them: the core runs against a
   * simulated venue, one evaluation and one exit check per candle.
   */
  settings: Settings;
  /** Keeps what the core would have written to the store, to be written once at the end (BacktestStore; `cab backtest --save`). */
  store?: BacktestStore;
  /** Called every `progressEvery` candles (default 10,000) with candles done and total; the core backtest leaves its time out of `elapsedMs`. */
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

/**
 * The strategy threw during a backtest: the run stops here, naming the strategy, the symbol and
 * the candle (docs/strategies.md). Printed without a stack; the CLI exits 1.
 */
export class BacktestStrategyError extends Error {
  override name = 'BacktestStrategyError';

  constructor(
    readonly symbol: string,
    readonly fault: StrategyFault,
  ) {
    super(`backtest stopped: ${fault.message} (${symbol})`);
  }
}

/** The strategy of a backtest, loaded (built-in or plug-in) and guarded: a throw inside it becomes a StrategyFault. */
export function backtestStrategy(opts: Pick<BacktestOptions, 'strategy' | 'params' | 'strategyPath' | 'strategyFactory'>): StrategyFactory {
  if (opts.strategyFactory) return guardedFactory(opts.strategyFactory);
  const loaded = loadStrategy(opts.strategy, { params: opts.params ?? {}, ...(opts.strategyPath !== undefined ? { strategyPath: opts.strategyPath } : {}) });
  if (!loaded.ok) throw new RangeError(loaded.error.join('; '));
  return guardedFactory(loaded.value);
}

/**
 * The backtest's end-of-run reconcile (SyncDriver.reconcileAtEnd) found the simulated venue and the
 * core's books apart: a bug of ours, never a result to report.
 */
export function assertReconciled(problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(`the backtest's end-of-run reconcile failed (a bug: please report it): ${problems.join('; ')}`);
}
