import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readMigrationFiles } from './files';
import { migrationStatus, type MigrationStatus } from './runner';

/**
 * `migrations status` for the CLI: what is applied and pending in the database at `dbPath`,
 * without creating it when it does not exist (then everything is pending) and without migrating.
 */
export function migrationStatusAt(dbPath: string, dir: string): MigrationStatus {
  const path = resolve(dbPath);
  if (!existsSync(path)) {
    return {
      applied: [],
      pending: readMigrationFiles(dir).map((f) => ({ version: f.version, name: f.name, fileName: f.fileName })),
      problems: [],
      version: 0,
    };
  }
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return migrationStatus(db, { dir });
  } finally {
    db.close();
  }
}
