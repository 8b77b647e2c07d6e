export * from './trading-control';
export * from './operator-control';
export * from './core-control';
