import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { StorageSchema } from '../schema';

/** Where the bot keeps its database unless DB_PATH says otherwise (relative to the working directory). */
export const DEFAULT_DB_PATH = './data/crypto_ai_bot.db';

export type SynchronousMode = 'FULL' | 'NORMAL';

export interface SqliteOptions {
  /** File path; its folder is created. ":memory:" only with `allowInMemory` (tests). */
  path: string;
  /** How long a writer waits for another process's lock before SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * FULL (default) fsyncs the WAL on every commit, so a committed order survives a power cut too.
   * NORMAL survives any process crash but may lose the last commits on power loss; it is faster.
   */
  synchronous?: SynchronousMode;
  allowInMemory?: boolean;
  /** Prepared statements kept per connection (kysely re-prepares each query otherwise). Default 200. */
  statementCacheSize?: number;
  /**
   * WAL pages after which a commit also checkpoints (SQLite's default: 1000). The bot raises it and
   * checkpoints on its reconcile loop instead, so no order's commit pays for one; the threshold
   * stays as a backstop for a loop that stopped.
   */
  walAutoCheckpointPages?: number;
}

export interface SqliteConnection {
  /** The resolved file path (or ":memory:"). */
  readonly path: string;
  /** better-sqlite3 handle: for migrations, pragmas and the backup API only. Repositories use `db`. */
  readonly raw: Database.Database;
  readonly db: Kysely<StorageSchema>;
  /**
   * Runs `hook` before each statement kysely sends outside a transaction, and before each BEGIN:
   * the order intent log folds what waits into SQLite there (sqlite-write-ahead.ts). One hook.
   */
  beforeStatement(hook: (() => void) | null): void;
  close(): Promise<void>;
}

export class StorageConfigError extends Error {
  readonly code = 'STORAGE.CONFIG';
}

const isMemory = (p: string): boolean => p === ':memory:' || p === '' || p.startsWith('file::memory:');

/**
 * Opens (creating if needed) a SQLite database with the settings every connection of the bot
 * uses: WAL (readers never block the writer, and a backup can run beside the bot), foreign keys
 * on (off by default in SQLite), a busy timeout (two processes wait instead of failing).
 */
export function openSqlite(options: SqliteOptions): SqliteConnection {
  const memory = isMemory(options.path);
  if (memory && !options.allowInMemory) {
    throw new StorageConfigError('an in-memory database is for tests only: set DB_PATH to a file');
  }
  const path = memory ? ':memory:' : resolve(options.path);
  if (!memory) mkdirSync(dirname(path), { recursive: true });

  const raw = new Database(path);
  try {
    applyPragmas(raw, options);
  } catch (e) {
    raw.close();
    throw e;
  }
  const caching = new CachingDatabase(raw, options.statementCacheSize ?? 200);
  const db = new Kysely<StorageSchema>({ dialect: new SqliteDialect({ database: caching }) });
  // kysely closes the database only if it ever ran a query on it: a connection only migrated (or
  // only read raw) stayed open after close(), holding the file.
  const close = async (): Promise<void> => {
    await db.destroy();
    if (raw.open) raw.close();
  };
  return { path, raw, db, close, beforeStatement: (hook) => (caching.beforeStatement = hook) };
}

export function applyPragmas(raw: Database.Database, options: Pick<SqliteOptions, 'busyTimeoutMs' | 'synchronous' | 'walAutoCheckpointPages'>): void {
  // busy_timeout first: switching to WAL itself needs a lock another process may hold.
  raw.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  const mode = raw.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal' && mode !== 'memory') throw new StorageConfigError(`could not switch ${raw.name} to WAL (got ${String(mode)})`);
  raw.pragma('foreign_keys = ON');
  raw.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  if (options.walAutoCheckpointPages !== undefined) raw.pragma(`wal_autocheckpoint = ${Math.max(0, Math.trunc(options.walAutoCheckpointPages))}`);
}

/**
 * What kysely's SqliteDialect sees instead of better-sqlite3 directly, for two reasons:
 *  - kysely opens transactions with a plain (deferred) BEGIN. A deferred transaction that reads
 *    and then writes can fail with SQLITE_BUSY when another process wrote in between, and the
 *    busy timeout cannot help. BEGIN IMMEDIATE takes the write lock up front (waiting up to the
 *    busy timeout), so read-then-write transactions across processes simply queue.
 *  - kysely prepares every query afresh; caching the prepared statement by its SQL text removes
 *    most of SQLite's per-query parse cost on the hot path.
 * Statements are only reused one at a time: kysely serializes the single connection behind a mutex.
 */
class CachingDatabase implements SqliteDatabase {
  private readonly cache = new Map<string, Database.Statement>();
  /** SqliteConnection.beforeStatement's hook. */
  beforeStatement: (() => void) | null = null;

  constructor(
    private readonly raw: Database.Database,
    private readonly capacity: number,
  ) {}

  prepare(query: string): SqliteStatement {
    // kysely prepares each statement right before it runs it, under its connection mutex.
    if (this.beforeStatement !== null && !this.raw.inTransaction) this.beforeStatement();
    const text = query === 'begin' ? 'begin immediate' : query;
    let stmt = this.cache.get(text);
    if (stmt) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.cache.delete(text);
    } else {
      stmt = this.raw.prepare(text);
    }
    if (this.capacity > 0) {
      this.cache.set(text, stmt);
      if (this.cache.size > this.capacity) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    return stmt as unknown as SqliteStatement;
  }

  close(): void {
    this.cache.clear();
    this.raw.close();
  }
}
