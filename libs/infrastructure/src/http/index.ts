export * from './orchestrator-port';
export * from './bearer-auth';
export * from './errors';
export * from './read-models';
export * from './http-app';
export * from './listen';
