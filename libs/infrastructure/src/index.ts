// @cab/infrastructure — adapters for the application's ports, settings, logging and composition.
export * from './settings';
export * from './driven/logging';
export * from './driving/app';
export * from './driven/market-data';

// Brokers
export * from './driven/venue/reject-codes';
export * from './driven/venue/paper/paper-venue';
export * from './driven/venue/paper/paper-market';
export * from './driven/venue/paper/synthetic-book';
export * from './driven/venue/paper/gate-instruments';
export * from './driven/venue/paper/in-memory-ledger';
export * from './driven/venue/paper/simulated-venue';
export * from './driven/venue/gate/gate-venue';
export { BROKER_CODE } from './driven/venue/gate/errors';
export { ccxtExchangeId } from './driven/venue/gate/gate-client';
export * from './driven/resilience/retry';
export * from './driven/resilience/circuit-breaker';

// Pipeline parts: system time, timer scheduler, Telegram alerts, instance lock (feat/pipeline-parts).
export * from './driven/time/system-time';
export * from './driven/scheduling/timer-scheduler';
export * from './driven/alerts/telegram/format';
export * from './driven/alerts/telegram/token-bucket';
export * from './driven/alerts/telegram/telegram-client';
export * from './driven/alerts/telegram/telegram-alerts';
export * from './driven/alerts/telegram/from-settings';
// Telegram commands: types only here; grammY is loaded when TELEGRAM_COMMANDS=true (app/bot-server.ts).
export type { TelegramCommands, TelegramCommandsOptions } from './driving/telegram-commands/telegram-commands';
export type { TelegramReadSide, Balances, BalanceLine } from './driving/telegram-commands/read-side';
export * from './driven/instance-lock/file-instance-lock';
export * from './driven/instance-lock/postgres-instance-lock';
export * from './driven/instance-lock/postgres-lock-keys';
export * from './driven/instance-lock/instance-lock-from-settings';

// Storage (feat/storage).
export * from './driven/storage';

// Strategy plug-ins (STRATEGY_PATH, --strategy-path, npm packages).
export * from './driven/strategies';

// Backtest reports.
export * from './driving/backtest';

// Parameter search over backtests (cab optimize).
export * from './driving/optimize';

// Apps (feat/apps): prom-client metrics, reports, HTTP layer, CLI commands.
export * from './driving/observability';
export * from './driving/reports';
export * from './driving/http';
export * from './driving/cli';

// Composition root (feat/pipeline).
export * from './driving/compose';
