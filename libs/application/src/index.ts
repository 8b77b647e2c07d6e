// @cab/application — ports (interfaces infrastructure implements), use cases and the orchestrator.
export * from './ports/broker';
export * from './ports/paper-ledger';
export * from './ports/orders-repository';
export * from './ports/fills-repository';
export * from './ports/positions-repository';
export * from './ports/idempotency-store';
export * from './ports/audit-log';
export * from './ports/market-data-repository';
export * from './ports/dead-letter-queue';
export * from './ports/unit-of-work';
