import type { TransactionalStores, UnitOfWork } from '@cab/application';
import type { Clock } from '@cab/domain';
import { SqlAuditLog } from './repositories/audit-log';
import { SqlFillsRepository } from './repositories/fills-repository';
import { SqlIdempotencyStore } from './repositories/idempotency-store';
import { SqlOrdersRepository } from './repositories/orders-repository';
import { SqlPositionsRepository } from './repositories/positions-repository';
import { QueryTemplates } from './repositories/query-templates';
import type { Db } from './repositories/support';

/** The repositories over one kysely handle (the database or a transaction). */
export function transactionalStores(db: Db, clock: Clock, templates: QueryTemplates = new QueryTemplates()): TransactionalStores {
  return {
    orders: new SqlOrdersRepository(db, templates),
    fills: new SqlFillsRepository(db, templates),
    positions: new SqlPositionsRepository(db, templates),
    idempotency: new SqlIdempotencyStore(db, clock, templates),
    audit: new SqlAuditLog(db),
  };
}

/**
 * One kysely transaction per `run`. On SQLite it starts with BEGIN IMMEDIATE (see
 * sqlite/connection.ts), so concurrent writers from other processes queue on the busy timeout
 * instead of failing halfway through.
 */
export class SqlUnitOfWork implements UnitOfWork {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Shared with the storage's other repositories: compiled hot-path SQL is reused across transactions. */
    private readonly templates: QueryTemplates = new QueryTemplates(),
  ) {}

  run<T>(work: (tx: TransactionalStores) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) throw new Error('UnitOfWork.run does not nest: pass the open transaction\'s stores instead');
    return this.db.transaction().execute((trx) => work(transactionalStores(trx, this.clock, this.templates)));
  }
}
