export * from './backtest-command';
export * from './report-render';
export * from './run-backtest';
