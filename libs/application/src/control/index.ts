export * from './trading-control';
export * from './core-control';
