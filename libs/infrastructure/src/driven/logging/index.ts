export * from './correlation';
export * from './winston-logger';
export * from './redact';
