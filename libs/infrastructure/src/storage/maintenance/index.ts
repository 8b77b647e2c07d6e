export * from './errors';
export * from './backup-files';
export * from './backup';
export * from './rotate';
export * from './integrity';
export * from './vacuum';
export * from './restore';
