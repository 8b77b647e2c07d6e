export * from './sync-venue';
export * from './core-output';
export * from './core-halts';
export * from './trading-core';
