export * from './backtest-command';
export * from './report-render';
export * from './run-backtest';
export { BacktestStrategyError, backtestStrategy } from './backtest-options';
