export * from './performance-report';
