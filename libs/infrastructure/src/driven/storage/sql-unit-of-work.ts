import type { TransactionalStores, UnitOfWork } from '@cab/application';
import type { Clock } from '@cab/domain';
import { SqlAuditLog } from './tables/audit-table';
import { SqlFillsRepository } from './tables/fills-table';
import { SqlIdempotencyStore } from './tables/idempotency-keys-table';
import { SqlOrdersRepository } from './tables/orders-table';
import { SqlPositionsRepository, type PositionsCache } from './tables/positions-table';
import { QueryTemplates } from './tables/query-templates';
import { DEFAULT_BOT_ID, type Db } from './tables/support';
import type { WriteAheadIndex } from './sqlite/write-ahead-index';

/** What the repositories of one storage share: its bot, its compiled queries, its positions cache. */
export interface StoreScope {
  /** BOT_ID: written into every row, and every read is filtered on it (docs/postgres.md, "BOT_ID"). */
  botId?: string;
  templates?: QueryTemplates;
  positionsCache?: PositionsCache | null;
  /** SQLite with the intent log: every order and key this storage writes is told to the write-ahead's refusals. */
  writeAheadIndex?: WriteAheadIndex | null;
}

/** The repositories over one kysely handle (the database or a transaction). */
export function transactionalStores(
  db: Db,
  clock: Clock,
  scope: StoreScope = {},
  positions: SqlPositionsRepository = new SqlPositionsRepository(db, scope.templates, scope.positionsCache ?? null, scope.botId ?? DEFAULT_BOT_ID),
): TransactionalStores {
  const botId = scope.botId ?? DEFAULT_BOT_ID;
  const templates = scope.templates ?? new QueryTemplates();
  return {
    orders: new SqlOrdersRepository(db, templates, botId, scope.writeAheadIndex ?? null),
    fills: new SqlFillsRepository(db, templates, botId),
    positions,
    idempotency: new SqlIdempotencyStore(db, clock, templates, botId, scope.writeAheadIndex ?? null),
    audit: new SqlAuditLog(db, templates, botId),
  };
}

/**
 * One kysely transaction per `run`. On SQLite it starts with BEGIN IMMEDIATE (see
 * sqlite/connection.ts), so concurrent writers from other processes queue on the busy timeout
 * instead of failing halfway through. Postgres passes `begin`, which takes the bot's transaction
 * advisory lock first (postgres/postgres-storage.ts): the same queueing, per bot, across processes.
 */
export class SqlUnitOfWork implements UnitOfWork {
  private readonly scope: Required<StoreScope>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    scope: StoreScope = {},
    /** Runs first inside every transaction (Postgres: the per-bot lock). */
    private readonly begin: ((trx: Db) => Promise<void>) | null = null,
  ) {
    this.scope = {
      botId: scope.botId ?? DEFAULT_BOT_ID,
      templates: scope.templates ?? new QueryTemplates(),
      positionsCache: scope.positionsCache ?? null,
      writeAheadIndex: scope.writeAheadIndex ?? null,
    };
  }

  run<T>(work: (tx: TransactionalStores) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) throw new Error("UnitOfWork.run does not nest: pass the open transaction's stores instead");
    let positions: SqlPositionsRepository | null = null;
    const done = this.db.transaction().execute(async (trx) => {
      if (this.begin) await this.begin(trx);
      positions = new SqlPositionsRepository(trx, this.scope.templates, this.scope.positionsCache, this.scope.botId);
      return work(transactionalStores(trx, this.clock, this.scope, positions));
    });
    // Committed: the positions it wrote may go into the read cache (write-through).
    return done.then((result) => {
      (positions as SqlPositionsRepository | null)?.committed();
      return result;
    });
  }
}
