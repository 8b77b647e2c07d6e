import { unitOfWorkWriteAhead } from '@cab/application';
import type { Clock } from '@cab/domain';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Pool } from 'pg';
import { locatePostgresMigrationsDir, migratePostgres, STORAGE_LOCK_CLASS_SQL } from './migrations/postgres-runner';
import type { MigrateResult } from './migrations/runner';
import { createPostgresPool } from './postgres/pool';
import { listBots } from './tables/bot-list';
import { SqlCandleRepository } from './tables/candles-table';
import { SqlDeadLetterQueue } from './tables/dead-letters-table';
import { SqlPaperLedgerStore } from './tables/paper-ledger-table';
import { QueryTemplates } from './tables/query-templates';
import { SqlSafetyStateStore } from './tables/safety-state-table';
import { DEFAULT_BOT_ID, type Db } from './tables/support';
import type { StorageSchema } from './schema';
import type { Storage } from './storage';
import { SqlUnitOfWork, transactionalStores } from './sql-unit-of-work';

export interface PostgresStorageOptions {
  /** postgres://…: the revealed DB_URL (only the code that connects reveals it). */
  url: string;
  clock: Clock;
  /** BOT_ID: the bot whose rows this storage writes and reads. Default `default`. */
  botId?: string;
  /** Folder of Postgres V*.sql files; default migrations/postgres (`locatePostgresMigrationsDir()`). */
  migrationsDir?: string;
  /** Pool size. Default 10. */
  poolSize?: number;
}

/** Every storage port over a Postgres pool, with the schema migrated. */
export interface PostgresStorage extends Storage {
  readonly dialect: 'postgres';
  readonly pool: Pool;
}

/**
 * Takes the bot's transaction advisory lock inside `trx` (released at its commit or rollback):
 * every writer that must not interleave with the bot's units of work (migrate-sqlite) takes it too.
 */
export async function lockBotTransaction(trx: Db, botId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${sql.raw(STORAGE_LOCK_CLASS_SQL)}, hashtext(${botId}))`.execute(trx);
}

/**
 * Opens a pool on DB_URL, applies pending Postgres migrations (refusing to start on an edited
 * one) and builds the same repositories as SQLite, scoped to `botId` (docs/postgres.md).
 *
 * Differences from SQLite, and why:
 *  - A unit of work first takes a transaction advisory lock on (storage class, hash of BOT_ID):
 *    what BEGIN IMMEDIATE gives SQLite. A bot's read-modify-write transactions queue, in this
 *    process (the pool would otherwise run them side by side) and across processes (the CLI),
 *    while other bots' transactions never wait on it.
 *  - No positions read cache: SQLite tells a connection when another one committed
 *    (data_version); Postgres has no such cheap check, and a stale position is worse than a query.
 *  - housekeeping.checkpoint does nothing: Postgres checkpoints and vacuums by itself.
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  const botId = options.botId ?? DEFAULT_BOT_ID;
  const pool = createPostgresPool({ url: options.url, max: options.poolSize ?? 10, applicationName: `crypto-ai-bot:${botId}` });
  let migrations: MigrateResult;
  try {
    migrations = await migratePostgres(pool, { dir: options.migrationsDir ?? locatePostgresMigrationsDir(), clock: options.clock });
  } catch (e) {
    await pool.end();
    throw e;
  }
  const db: Db = new Kysely<StorageSchema>({ dialect: new PostgresDialect({ pool }) });
  const templates = new QueryTemplates();
  const scope = { botId, templates, positionsCache: null };
  const lockBot = (trx: Db): Promise<void> => lockBotTransaction(trx, botId);
  const unitOfWork = new SqlUnitOfWork(db, options.clock, scope, lockBot);
  let closed = false;
  return {
    dialect: 'postgres',
    botId,
    db,
    pool,
    migrations,
    ...transactionalStores(db, options.clock, scope),
    candles: new SqlCandleRepository(db),
    dlq: new SqlDeadLetterQueue(db, botId),
    paperLedger: new SqlPaperLedgerStore(db, options.clock, templates, botId),
    safety: new SqlSafetyStateStore(db, botId),
    unitOfWork,
    writeAhead: unitOfWorkWriteAhead(unitOfWork),
    bots: () => listBots(db),
    housekeeping: { checkpoint: async () => undefined },
    close: async () => {
      if (closed) return;
      closed = true;
      // kysely's destroy ends the pool it was given.
      await db.destroy();
    },
  };
}
