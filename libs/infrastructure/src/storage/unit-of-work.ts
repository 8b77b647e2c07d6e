import type { TransactionalStores, UnitOfWork } from '@cab/application';
import type { Clock } from '@cab/domain';
import { SqlAuditLog } from './repositories/audit-log';
import { SqlFillsRepository } from './repositories/fills-repository';
import { SqlIdempotencyStore } from './repositories/idempotency-store';
import { SqlOrdersRepository } from './repositories/orders-repository';
import { SqlPositionsRepository, type PositionsCache } from './repositories/positions-repository';
import { QueryTemplates } from './repositories/query-templates';
import type { Db } from './repositories/support';

/** The repositories over one kysely handle (the database or a transaction). */
export function transactionalStores(db: Db, clock: Clock, templates: QueryTemplates = new QueryTemplates(), positionsCache: PositionsCache | null = null): TransactionalStores {
  return {
    orders: new SqlOrdersRepository(db, templates),
    fills: new SqlFillsRepository(db, templates),
    positions: new SqlPositionsRepository(db, templates, positionsCache),
    idempotency: new SqlIdempotencyStore(db, clock, templates),
    audit: new SqlAuditLog(db, templates),
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
    /** The storage's positions cache (in-memory databases only): a transaction's writes must empty it. */
    private readonly positionsCache: PositionsCache | null = null,
  ) {}

  run<T>(work: (tx: TransactionalStores) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) throw new Error('UnitOfWork.run does not nest: pass the open transaction\'s stores instead');
    return this.db.transaction().execute((trx) => work(transactionalStores(trx, this.clock, this.templates, this.positionsCache)));
  }
}
