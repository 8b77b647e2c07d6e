import type Database from 'better-sqlite3';
import type { Clock } from '@cab/domain';
import { MigrationError, type MigrationErrorCode } from './errors';
import { readMigrationFiles, type MigrationFile } from './files';

export interface MigrateOptions {
  /** Folder of V0001__*.sql files; see `locateMigrationsDir`. */
  dir: string;
  clock: Clock;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  appliedAt: number;
  durationMs: number;
}

export interface MigrateResult {
  /** Applied by this run, in order. Empty on a second run. */
  applied: AppliedMigration[];
  /** The schema version after the run. */
  version: number;
}

export interface MigrationProblem {
  code: MigrationErrorCode;
  message: string;
}

export interface MigrationStatus {
  applied: (AppliedMigration & { checksumOk: boolean; fileMissing: boolean })[];
  pending: { version: number; name: string; fileName: string }[];
  /** Problems `migrate` would refuse to start with (edited or missing files, out-of-order). */
  problems: MigrationProblem[];
  version: number;
}

/*
 * The runner speaks to better-sqlite3 directly: a migration is plain SQL with several
 * statements, which only `exec` runs. It is SQLite-specific on purpose (ARCHITECTURE: pragmas and
 * such stay in the SQLite adapter). Postgres has its own folder (migrations/postgres) and driver
 * (postgres-runner.ts) on the same files, checksums and checks (findProblems, statusOf).
 *
 * Rules: each file runs once, in version order, in its own BEGIN IMMEDIATE transaction together
 * with its schema_migrations row, so a crash mid-migration leaves the previous version intact.
 * Statements that cannot run in a transaction (VACUUM, PRAGMA journal_mode / foreign_keys) do not
 * belong in a migration; a table rebuild uses PRAGMA defer_foreign_keys instead.
 */

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version     INTEGER NOT NULL PRIMARY KEY,
  name        TEXT    NOT NULL,
  checksum    TEXT    NOT NULL,
  applied_at  INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL
)`;

/** A schema_migrations row, as both dialects store it. */
export interface MigrationRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: number;
  duration_ms: number;
}

function appliedRows(raw: Database.Database): MigrationRow[] {
  const exists = raw.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return [];
  return raw.prepare('SELECT version, name, checksum, applied_at, duration_ms FROM schema_migrations ORDER BY version').all() as MigrationRow[];
}

export const toApplied = (r: MigrationRow): AppliedMigration => ({
  version: r.version,
  name: r.name,
  checksum: r.checksum,
  appliedAt: r.applied_at,
  durationMs: r.duration_ms,
});

/** Everything wrong between what the database recorded and the files on disk. */
export function findProblems(rows: MigrationRow[], files: MigrationFile[]): MigrationProblem[] {
  const problems: MigrationProblem[] = [];
  const byVersion = new Map(files.map((f) => [f.version, f]));
  for (const r of rows) {
    const f = byVersion.get(r.version);
    if (!f) {
      problems.push({
        code: 'MIGRATION.MISSING_FILE',
        message: `version ${r.version} (${r.name}) is applied but its file is missing: is this an older build on a newer database?`,
      });
    } else if (f.checksum !== r.checksum) {
      problems.push({
        code: 'MIGRATION.CHECKSUM_MISMATCH',
        message: `${f.fileName} was edited after it was applied (checksum ${r.checksum.slice(0, 12)}… in the database, ${f.checksum.slice(0, 12)}… on disk): restore the file and add a new migration instead`,
      });
    }
  }
  const maxApplied = rows.reduce((m, r) => Math.max(m, r.version), 0);
  const applied = new Set(rows.map((r) => r.version));
  for (const f of files) {
    if (!applied.has(f.version) && f.version < maxApplied) {
      problems.push({
        code: 'MIGRATION.OUT_OF_ORDER',
        message: `${f.fileName} is pending but version ${maxApplied} is already applied: migrations must be added in order`,
      });
    }
  }
  return problems;
}

/** One loud error naming every problem; its code is the first problem's. */
export function refuse(problems: MigrationProblem[]): never {
  const first = problems[0];
  throw new MigrationError(first?.code ?? 'MIGRATION.FAILED', problems.map((p) => p.message).join('\n'));
}

/** Lists applied and pending migrations without changing anything. */
export function migrationStatus(raw: Database.Database, options: { dir: string }): MigrationStatus {
  return statusOf(appliedRows(raw), readMigrationFiles(options.dir));
}

/** What the database recorded (`rows`) against the files on disk: the same report on every dialect. */
export function statusOf(rows: MigrationRow[], files: MigrationFile[]): MigrationStatus {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const applied = new Set(rows.map((r) => r.version));
  return {
    applied: rows.map((r) => ({
      ...toApplied(r),
      checksumOk: byVersion.get(r.version)?.checksum === r.checksum,
      fileMissing: !byVersion.has(r.version),
    })),
    pending: files.filter((f) => !applied.has(f.version)).map((f) => ({ version: f.version, name: f.name, fileName: f.fileName })),
    problems: findProblems(rows, files),
    version: rows.reduce((m, r) => Math.max(m, r.version), 0),
  };
}

/**
 * Brings the schema up to date. A second run is a no-op. Refuses (MigrationError) when an applied
 * file was edited or removed, or a new file sorts before an applied one. Safe when two processes
 * start at once: each step re-checks under the write lock, so a version is applied exactly once.
 */
export function migrate(raw: Database.Database, options: MigrateOptions): MigrateResult {
  const files = readMigrationFiles(options.dir);
  raw.exec(CREATE_TABLE);
  const problems = findProblems(appliedRows(raw), files);
  if (problems.length > 0) refuse(problems);

  const done: AppliedMigration[] = [];
  const insert = raw.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at, duration_ms) VALUES (?, ?, ?, ?, ?)');
  for (const file of files) {
    raw.exec('BEGIN IMMEDIATE');
    try {
      // Under the write lock: another process may have applied it (or more) meanwhile.
      const rows = appliedRows(raw);
      const again = findProblems(rows, files);
      if (again.length > 0) refuse(again);
      if (rows.some((r) => r.version === file.version)) {
        raw.exec('COMMIT');
        continue;
      }
      const started = options.clock.now();
      try {
        raw.exec(file.sql);
      } catch (e) {
        throw new MigrationError('MIGRATION.FAILED', `${file.fileName}: ${(e as Error).message}`, { cause: e });
      }
      const appliedAt = options.clock.now();
      const durationMs = Math.max(0, appliedAt - started);
      insert.run(file.version, file.name, file.checksum, appliedAt, durationMs);
      raw.exec('COMMIT');
      done.push({ version: file.version, name: file.name, checksum: file.checksum, appliedAt, durationMs });
    } catch (e) {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      throw e;
    }
  }
  const version = appliedRows(raw).reduce((m, r) => Math.max(m, r.version), 0);
  return { applied: done, version };
}
