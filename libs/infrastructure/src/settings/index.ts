export * from './secret';
export * from './settings-error';
export * from './settings';
export * from './load';
export * from './summary';
export * from './file-probe';
