// @cab/application — ports (interfaces infrastructure implements), use cases and the orchestrator.
export * from './ports/broker';
export * from './ports/paper-ledger';
export * from './ports/market-data';
