import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { MaintenanceError } from './errors';

export interface VacuumResult {
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * VACUUM rebuilds the file without free pages; PRAGMA optimize refreshes the planner's statistics;
 * the TRUNCATE checkpoint folds the WAL back so the size reported is the real one. VACUUM needs
 * the write lock for its whole run: the bot's writes wait (busy timeout) meanwhile.
 */
export function vacuumDatabase(dbPath: string, options: { busyTimeoutMs?: number } = {}): VacuumResult {
  const path = resolve(dbPath);
  if (!existsSync(path)) throw new MaintenanceError('MAINTENANCE.DB_NOT_FOUND', `no database at ${path}`);
  const bytesBefore = statSync(path).size;
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    db.exec('VACUUM');
    db.pragma('optimize');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return { bytesBefore, bytesAfter: statSync(path).size };
}
