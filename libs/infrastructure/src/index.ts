export const INFRA = 'infra';
// Pipeline parts: system time, timer scheduler, Telegram alerts, instance lock (feat/pipeline-parts).
export * from './time/system-time';
export * from './scheduling/timer-scheduler';
export * from './alerts/telegram/format';
export * from './alerts/telegram/token-bucket';
export * from './alerts/telegram/telegram-client';
export * from './alerts/telegram/telegram-alerts';
export * from './safety/instance-lock';
