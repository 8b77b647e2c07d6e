export * from './report-render';
