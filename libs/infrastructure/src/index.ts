// @cab/infrastructure — adapters for the application's ports, settings, logging and composition.
export * from './settings';
export * from './logging';
export * from './app';
export * from './market-data';

// Brokers
export * from './brokers/reject-codes';
export * from './brokers/paper/paper-broker';
export * from './brokers/paper/paper-market';
export * from './brokers/paper/synthetic-book';
export * from './brokers/paper/gate-instruments';
export * from './brokers/paper/in-memory-ledger';
export * from './brokers/paper/simulated-venue';
export * from './brokers/ccxt/ccxt-broker';
export { BROKER_CODE } from './brokers/ccxt/errors';
export { ccxtExchangeId } from './brokers/ccxt/gate-client';
export * from './resilience/retry';
export * from './resilience/circuit-breaker';

// Pipeline parts: system time, timer scheduler, Telegram alerts, instance lock (feat/pipeline-parts).
export * from './time/system-time';
export * from './scheduling/timer-scheduler';
export * from './alerts/telegram/format';
export * from './alerts/telegram/token-bucket';
export * from './alerts/telegram/telegram-client';
export * from './alerts/telegram/telegram-alerts';
export * from './alerts/telegram/from-settings';
// Telegram commands: types only here; grammY is loaded when TELEGRAM_COMMANDS=true (app/bot-server.ts).
export type { TelegramCommands, TelegramCommandsOptions } from './telegram-commands/telegram-commands';
export type { TelegramReadSide, Balances, BalanceLine } from './telegram-commands/read-side';
export * from './safety/instance-lock';
export * from './safety/postgres-instance-lock';
export * from './safety/postgres-lock-keys';
export * from './safety/instance-lock-from-settings';

// Storage (feat/storage).
export * from './storage';

// Strategy plug-ins (STRATEGY_PATH, --strategy-path, npm packages).
export * from './strategies';

// Backtest reports.
export * from './backtest';

// Parameter search over backtests (cab optimize).
export * from './optimize';

// Apps (feat/apps): prom-client metrics, reports, HTTP layer, CLI commands.
export * from './observability';
export * from './reports';
export * from './http';
export * from './cli';

// Composition root (feat/pipeline).
export * from './compose';
