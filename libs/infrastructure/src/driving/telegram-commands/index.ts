export * from './telegram-commands';
export * from './long-polling';
export * from './read-side';
export * from './money-text';
export * from './from-settings';
