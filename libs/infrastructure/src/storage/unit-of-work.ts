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
export function transactionalStores(
  db: Db,
  clock: Clock,
  templates: QueryTemplates = new QueryTemplates(),
  positionsCache: PositionsCache | null = null,
  positions: SqlPositionsRepository = new SqlPositionsRepository(db, templates, positionsCache),
): TransactionalStores {
  return {
    orders: new SqlOrdersRepository(db, templates),
    fills: new SqlFillsRepository(db, templates),
    positions,
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
    /** The storage's positions cache: a transaction's writes empty it, and fill it once committed. */
    private readonly positionsCache: PositionsCache | null = null,
  ) {}

  run<T>(work: (tx: TransactionalStores) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) throw new Error("UnitOfWork.run does not nest: pass the open transaction's stores instead");
    let positions: SqlPositionsRepository | null = null;
    const done = this.db.transaction().execute((trx) => {
      positions = new SqlPositionsRepository(trx, this.templates, this.positionsCache);
      return work(transactionalStores(trx, this.clock, this.templates, this.positionsCache, positions));
    });
    // Committed: the positions it wrote may go into the read cache (write-through).
    return done.then((result) => {
      (positions as SqlPositionsRepository | null)?.committed();
      return result;
    });
  }
}
