import type { Clock } from '@cab/domain';
import { sql } from 'kysely';
import { locateMigrationsDir } from './migrations/files';
import { migrate, type MigrateResult } from './migrations/runner';
import { PositionsCache } from './tables/positions-table';
import { QueryTemplates } from './tables/query-templates';
import { listBots } from './tables/bot-list';
import { SqlCandleRepository } from './tables/candles-table';
import { SqlDeadLetterQueue } from './tables/dead-letters-table';
import { SqlPaperLedgerStore } from './tables/paper-ledger-table';
import { SqlSafetyStateStore } from './tables/safety-state-table';
import { openSqlite, type SqliteConnection, type SqliteOptions } from './sqlite/connection';
import { DEFAULT_BOT_ID } from './tables/support';
import { SqliteWriteAhead } from './sqlite/sqlite-write-ahead';
import { IntentLogFile, intentLogPath } from './sqlite/intent-log';
import type { WriteAheadIndex } from './sqlite/write-ahead-index';
import type { IntentLogReplay, Storage } from './storage';
import { SqlUnitOfWork, transactionalStores } from './sql-unit-of-work';

export interface SqliteStorageOptions extends SqliteOptions {
  clock: Clock;
  /** Folder of V*.sql files; default: `locateMigrationsDir()` (the repo's or the bundle's migrations/). */
  migrationsDir?: string;
  /** BOT_ID (docs/postgres.md): default `default`, the owner of every row written before V0006. */
  botId?: string;
  /**
   * The order intent log (docs/core.md, "The write-ahead"): the process that trades opens it (compose),
   * and folds what a crash left in it before anything reads the store. Off by default: a process that
   * does not place orders (the CLI's data and maintenance commands) never touches it; ignored in memory.
   */
  intentLog?: boolean;
  /** With the log: a fold found an order's row there already, written by another process (the caller logs it; sqlite-write-ahead.ts). */
  onIntentConflict?: (clientOrderIds: readonly string[]) => void;
}

/** Every storage port, over one SQLite connection, with the schema migrated. */
export interface SqliteStorage extends Storage {
  readonly dialect: 'sqlite';
  readonly connection: SqliteConnection;
}

/** WAL pages before a commit checkpoints by itself: ~40 MB, far above what a reconcile interval writes. */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000;

/**
 * Opens the database, applies pending migrations (refusing to start on an edited one) and builds
 * the repositories. What compose() calls at start.
 */
export function openSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const connection = openSqlite({ walAutoCheckpointPages: BACKSTOP_CHECKPOINT_PAGES, ...options });
  let migrations: MigrateResult;
  try {
    migrations = migrate(connection.raw, { dir: options.migrationsDir ?? locateMigrationsDir(), clock: options.clock });
  } catch (e) {
    connection.raw.close();
    throw e;
  }
  const { db } = connection;
  const botId = options.botId ?? DEFAULT_BOT_ID;
  const templates = new QueryTemplates();
  // A file may be written by another connection (the CLI, a second process): the cache asks
  // SQLite's data_version, which changes when one commits, before every lookup.
  const dataVersion = connection.raw.prepare('pragma data_version').pluck();
  const positionsCache = new PositionsCache(connection.path === ':memory:' ? null : () => dataVersion.get() as number);
  const log =
    options.intentLog && connection.path !== ':memory:' ? new IntentLogFile(intentLogPath(connection.path, botId), options.synchronous !== 'NORMAL') : null;
  const writeAhead = new SqliteWriteAhead(db, connection.raw, options.clock, botId, log, options.onIntentConflict ?? null);
  let intentLog: IntentLogReplay | null = null;
  let writeAheadIndex: WriteAheadIndex | null = null;
  if (log) {
    try {
      const opened = writeAhead.openLog();
      intentLog = { path: log.path, replayed: opened.replayed, torn: opened.torn };
      writeAheadIndex = opened.index;
    } catch (e) {
      log.close();
      connection.raw.close();
      throw e;
    }
    connection.beforeStatement(() => writeAhead.fold());
  }
  const scope = { botId, templates, positionsCache, writeAheadIndex };
  return {
    dialect: 'sqlite',
    botId,
    db,
    connection,
    migrations,
    ...transactionalStores(db, options.clock, scope),
    candles: new SqlCandleRepository(db),
    dlq: new SqlDeadLetterQueue(db, botId),
    paperLedger: new SqlPaperLedgerStore(db, options.clock, templates, botId),
    safety: new SqlSafetyStateStore(db, botId),
    unitOfWork: new SqlUnitOfWork(db, options.clock, scope),
    writeAhead,
    intentLog,
    bots: () => listBots(db),
    housekeeping: {
      // Through kysely, so it waits for a transaction in flight on the same connection.
      checkpoint: async () => {
        if (connection.path !== ':memory:') await sql`pragma wal_checkpoint(PASSIVE)`.execute(db);
      },
    },
    close: async () => {
      // What still waits goes into SQLite now; if it cannot, the log keeps it for the next start.
      try {
        writeAhead.fold();
      } finally {
        log?.close();
        await connection.close();
      }
    },
  };
}
