// @cab/infrastructure — adapters for the application's ports, settings, logging and composition.
export * from './settings';
export * from './logging';
export * from './app';
export * from './market-data';
