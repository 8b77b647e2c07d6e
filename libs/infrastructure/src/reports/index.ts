export * from './performance-report';
export * from './dust-source';
