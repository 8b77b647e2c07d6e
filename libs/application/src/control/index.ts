export * from './trading-control';
export * from './operator-control';
