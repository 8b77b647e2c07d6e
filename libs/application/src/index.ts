// @cab/application — ports (interfaces infrastructure implements), use cases and the orchestrator.
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
export * from './ports/safety-state-store';
// Backtest reporting.
export * from './backtest';
export * from './core';

// The trading pipeline (feat/pipeline): use cases, exits, reconciliation, safety, orchestrator.
export * from './pipeline/deps';
export * from './pipeline/metric-names';
export * from './pipeline/trading-state';
export * from './use-cases/instruments';
export * from './use-cases/trade-reason';
export * from './use-cases/fill-accounting';
export * from './use-cases/order-settler';
export * from './use-cases/place-order';
export * from './use-cases/evaluate-and-execute';
export * from './use-cases/strategy-feeds';
export * from './risk-state/risk-ledger';
export * from './risk-state/risk-state-builder';
export * from './exits/protective-exits';
export * from './reconciliation/compare-orders';
export * from './reconciliation/compare-positions';
export * from './reconciliation/compare-balances';
export * from './reconciliation/reconcile-report';
export * from './reconciliation/orders-reconciler';
export * from './reconciliation/positions-reconciler';
export * from './reconciliation/balances-reconciler';
export * from './reconciliation/reconcile';
export * from './safety/countdown-switch';
export * from './safety/watchdog';
export * from './safety/foreign-orders';
export * from './orchestrator/types';
export * from './orchestrator/loop-runner';
export * from './orchestrator/orchestrator';
export * from './control/index';
export * from './monitoring/pipeline-checks';
