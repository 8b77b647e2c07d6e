export * from './table';
export * from './maintenance-command';
export * from './health-monitor-command';
export * from './performance-command';
export * from './smoke-command';
export * from './reconcile-command';
export * from './data-commands';
