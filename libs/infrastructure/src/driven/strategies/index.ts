export * from './load-strategy';
export * from './strategy-from-settings';
