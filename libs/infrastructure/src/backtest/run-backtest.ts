export type { BacktestOptions } from './backtest-options';
export { runLoopBacktest as runBacktest } from './loop-backtest';
