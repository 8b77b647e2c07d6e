// @cab/application — ports (interfaces infrastructure implements), the trading core and its runtime, use cases.
export * from './ports/broker';
export * from './ports/venue-capabilities';
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
export * from './ports/storage-housekeeping';
export * from './ports/positions-repository';
export * from './ports/idempotency-store';
export * from './ports/audit-log';
export * from './ports/market-data-repository';
export * from './ports/dead-letter-queue';
export * from './ports/unit-of-work';
export * from './ports/order-write-ahead';
export * from './ports/safety-state-store';
// Backtest reporting.
export * from './backtest';
export * from './core';

// The trading pipeline's parts around the core: halts, use cases, reconcile comparisons, safety, control.
export * from './pipeline/deps';
export * from './pipeline/metric-names';
export * from './pipeline/trading-state';
export * from './use-cases/trade-reason';
export * from './use-cases/fill-accounting';
export * from './use-cases/strategy-feeds';
export * from './risk-state/risk-ledger';
export * from './risk-state/risk-state-builder';
export * from './reconciliation/compare-positions';
export * from './reconciliation/compare-balances';
export * from './reconciliation/reconcile-report';
export * from './safety/countdown-switch';
export * from './safety/watchdog';
export * from './safety/foreign-orders';
export * from './control/index';
export * from './monitoring/pipeline-checks';
