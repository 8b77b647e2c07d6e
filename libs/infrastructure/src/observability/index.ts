export * from './metric-catalogue';
export * from './prom-metrics';
export * from './business-metrics';
