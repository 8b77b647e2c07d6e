export const INFRA = 'infra';
export * from './time/system-clock';
export * from './storage';
