// Test helpers for @cab/application users: import from '@cab/application/testing' in specs only.
export * from './testing/in-memory-storage';
