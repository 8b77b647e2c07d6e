export * from '../../driven/metrics/metric-catalogue';
export * from '../../driven/metrics/prom-metrics';
export * from './business-metrics';
