export type { BacktestOptions } from './backtest-options';
/**
 * `cab backtest` and `npm run bench`: the TradingCore driven over the candles (core-backtest.ts).
 * The loop pipeline on a virtual clock (loop-backtest.ts) is kept only for the parity spec
 * (core-parity.spec.ts) until live and paper drive the core too.
 */
export { runCoreBacktest as runBacktest } from './core-backtest';
