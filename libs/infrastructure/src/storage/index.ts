// Storage: SQLite through kysely. See libs/infrastructure/README.md#storage.
export * from './schema';
export * from './sqlite/connection';
export * from './migrations/errors';
export * from './migrations/files';
export * from './migrations/runner';
export * from './repositories/query-templates';
export * from './repositories/orders-repository';
export * from './repositories/fills-repository';
export * from './repositories/positions-repository';
export * from './repositories/idempotency-store';
export * from './repositories/audit-log';
export * from './repositories/candle-repository';
export * from './repositories/dead-letter-queue';
export * from './repositories/paper-ledger-store';
export * from './unit-of-work';
export * from './sqlite-storage';
export * from './maintenance';
