export * from './run-main';
