export * from './report-render';
export * from './run-backtest';
