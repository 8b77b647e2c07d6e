export * from './run-main';
export * from './startup-refused';
export * from './bot-server';
