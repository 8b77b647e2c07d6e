export * from './trading-control';
