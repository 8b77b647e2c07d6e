export * from './metric-catalogue';
export * from './prom-metrics';
