import type { ClientBase, Pool } from 'pg';
import { join } from 'node:path';
import { createPostgresPool } from '../postgres/pool';
import { MigrationError } from './errors';
import { locateMigrationsDir, readMigrationFiles } from './files';
import {
  findProblems,
  refuse,
  statusOf,
  type AppliedMigration,
  type MigrateOptions,
  type MigrateResult,
  type MigrationRow,
  type MigrationStatus,
} from './runner';

/** migrations/postgres next to the SQLite files (the repo's, or the bundle's copy). */
export function locatePostgresMigrationsDir(start?: string): string {
  return join(locateMigrationsDir(start), 'postgres');
}

/**
 * The advisory-lock class of the storage (two-key form, a key space apart from kysely's own
 * migration lock and from any one-key lock): (class, 0) guards migrations, (class, hash of BOT_ID)
 * a bot's units of work (postgres-storage.ts).
 */
export const STORAGE_LOCK_CLASS_SQL = "hashtext('cab.storage')";

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version     INTEGER NOT NULL PRIMARY KEY,
  name        TEXT    NOT NULL,
  checksum    TEXT    NOT NULL,
  applied_at  BIGINT  NOT NULL,
  duration_ms INTEGER NOT NULL
)`;

async function appliedRows(c: ClientBase): Promise<MigrationRow[]> {
  const exists = await c.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists.rows[0]?.t) return [];
  const r = await c.query<MigrationRow>('SELECT version, name, checksum, applied_at, duration_ms FROM schema_migrations ORDER BY version');
  return r.rows.map((x) => ({ ...x, applied_at: Number(x.applied_at) }));
}

/** Lists applied and pending migrations of a Postgres database without changing anything. */
export async function migrationStatusPostgres(pool: Pool, options: { dir: string }): Promise<MigrationStatus> {
  const files = readMigrationFiles(options.dir);
  const c = await pool.connect();
  try {
    return statusOf(await appliedRows(c), files);
  } finally {
    c.release();
  }
}

/**
 * The checksummed runner of runner.ts on Postgres: each file once, in order, in its own
 * transaction with its schema_migrations row (Postgres DDL is transactional, so a failed file
 * leaves nothing behind). Processes starting at once queue on a transaction advisory lock and
 * re-check under it, so a version is applied exactly once.
 */
export async function migratePostgres(pool: Pool, options: MigrateOptions): Promise<MigrateResult> {
  const files = readMigrationFiles(options.dir);
  const c = await pool.connect();
  const done: AppliedMigration[] = [];
  try {
    for (const file of [null, ...files]) {
      await c.query('BEGIN');
      try {
        await c.query(`SELECT pg_advisory_xact_lock(${STORAGE_LOCK_CLASS_SQL}, 0)`);
        await c.query(CREATE_TABLE);
        const rows = await appliedRows(c);
        const problems = findProblems(rows, files);
        if (problems.length > 0) refuse(problems);
        if (file === null || rows.some((r) => r.version === file.version)) {
          await c.query('COMMIT');
          continue;
        }
        const started = options.clock.now();
        try {
          // No parameters: the simple query protocol runs every statement of the file.
          await c.query(file.sql);
        } catch (e) {
          throw new MigrationError('MIGRATION.FAILED', `${file.fileName}: ${(e as Error).message}`, { cause: e });
        }
        const appliedAt = options.clock.now();
        const durationMs = Math.max(0, appliedAt - started);
        await c.query('INSERT INTO schema_migrations (version, name, checksum, applied_at, duration_ms) VALUES ($1, $2, $3, $4, $5)', [
          file.version,
          file.name,
          file.checksum,
          appliedAt,
          durationMs,
        ]);
        await c.query('COMMIT');
        done.push({ version: file.version, name: file.name, checksum: file.checksum, appliedAt, durationMs });
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }
    const version = (await appliedRows(c)).reduce((m, r) => Math.max(m, r.version), 0);
    return { applied: done, version };
  } finally {
    c.release();
  }
}

/** `migrationStatusAt` for a Postgres URL (cab smoke): connects once, changes nothing. */
export async function postgresMigrationStatusAt(url: string, dir: string = locatePostgresMigrationsDir()): Promise<MigrationStatus> {
  const pool = createPostgresPool({ url, max: 1, applicationName: 'crypto-ai-bot status' });
  try {
    return await migrationStatusPostgres(pool, { dir });
  } finally {
    await pool.end();
  }
}
