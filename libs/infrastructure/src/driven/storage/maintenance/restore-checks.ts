import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Why `file` is not a backup of ours, or null. SQLite opens an empty file (and many a stranger's
 * database) without complaint, and restoring it would leave the bot an empty schema that `status`
 * reports as healthy: a backup must be a SQLite file holding our migrations table with at least
 * one migration applied.
 */
export function notABackupReason(file: string): string | null {
  const size = statSync(file).size;
  if (size === 0) return `${file} is empty (0 bytes): not a backup`;
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.equals(SQLITE_HEADER)) return `${file} is not a SQLite database`;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (table === undefined) return `${file} is a SQLite database but not one of this bot's (no schema_migrations table)`;
    const applied = (db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n;
    if (applied === 0) return `${file} has no migration applied: not a backup of this bot's database`;
    return null;
  } catch (e) {
    return `${file} cannot be read as a SQLite database (${(e as Error).message})`;
  } finally {
    db?.close();
  }
}

/**
 * Whether another connection has `dbPath` open (the bot, paper or live, keeps its database open
 * while it runs). In WAL mode every open connection holds a shared lock, so an exclusive lock
 * taken without waiting fails exactly while someone else has the file open; it is released at once.
 */
export function databaseInUse(dbPath: string): boolean {
  if (!existsSync(dbPath)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { fileMustExist: true, timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
    throw e;
  } finally {
    db?.close();
  }
}
