export * from './backtest-command';
export * from './report-render';
export * from './run-backtest';
export { BacktestStore, type BacktestStoreCounts } from './backtest-store';
export { BacktestStrategyError, backtestStrategy } from './backtest-options';
export * from './portfolio-backtest';
export * from './comparison-table';
export { symbolFromFileName } from './symbol-from-file';
