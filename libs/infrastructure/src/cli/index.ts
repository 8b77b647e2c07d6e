export * from './table';
export * from './maintenance-command';
export * from './health-monitor-command';
export * from './performance-command';
