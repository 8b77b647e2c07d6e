export type { BacktestOptions } from './backtest-options';
/**
 * `cab backtest` and `npm run bench`: the TradingCore driven over the candles (core-backtest.ts),
 * the same core paper and live run on (docs/core.md).
 */
export { runCoreBacktest as runBacktest } from './core-backtest';
