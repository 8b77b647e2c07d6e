// @cab/application — ports (interfaces infrastructure implements), use cases and the orchestrator.
export * from './ports/broker';
export * from './ports/paper-ledger';
export * from './ports/market-data';
// Pipeline parts: events, logging/metrics/scheduling ports, monitoring (feat/pipeline-parts).
export * from './ports/logger';
export * from './ports/metrics';
export * from './ports/scheduler';
export * from './ports/timers';
export * from './ports/event-bus';
export * from './ports/dead-letter';
export * from './events/topics';
export * from './events/in-process-event-bus';
export * from './events/dead-letter-queue-sink';
export * from './events/subscribe-all';
export * from './scheduling/virtual-scheduler';
export * from './monitoring/dead-letter-monitor';
export * from './monitoring/health-checker';
export * from './ports/instance-lock';

export * from './ports/orders-repository';
export * from './ports/fills-repository';
export * from './ports/positions-repository';
export * from './ports/idempotency-store';
export * from './ports/audit-log';
export * from './ports/market-data-repository';
export * from './ports/dead-letter-queue';
export * from './ports/unit-of-work';
// Backtest reporting.
export * from './backtest';
