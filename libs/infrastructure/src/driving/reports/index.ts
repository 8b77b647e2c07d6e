export * from './performance-report';
export * from './dust-source';
export * from './pnl-history';
