export * from './venue-view';
export * from './sync-venue';
export * from './core-events';
export * from './core-commands';
export * from './core-output';
export * from './core-halts';
export * from './trading-core';
export * from './sync-driver';
