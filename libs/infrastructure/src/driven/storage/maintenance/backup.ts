import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Clock } from '@cab/domain';
import { freshBackupName } from './backup-files';
import { MaintenanceError } from './errors';

export interface BackupResult {
  path: string;
  bytes: number;
}

export interface BackupOptions {
  busyTimeoutMs?: number;
}

/**
 * Copies the live database with SQLite's online backup API: a consistent snapshot, safe while
 * the bot keeps writing from another connection or process.
 *
 * Why the details:
 *  - The copy is done in one backup step. Stepping page by page restarts whenever another
 *    connection writes in between, which under a busy bot might never finish; one step holds a
 *    read transaction, which in WAL mode never blocks the writer.
 *  - It is written to "<name>.partial" and renamed when complete, so a crash mid-backup never
 *    leaves a file that looks like a good backup.
 *  - The copy is switched to journal_mode=DELETE: a single self-contained file, no -wal beside it.
 */
export async function backupDatabase(dbPath: string, backupsDir: string, clock: Clock, options: BackupOptions = {}): Promise<BackupResult> {
  const source = resolve(dbPath);
  if (!existsSync(source)) throw new MaintenanceError('MAINTENANCE.DB_NOT_FOUND', `no database at ${source}`);
  const dir = resolve(backupsDir);
  mkdirSync(dir, { recursive: true });
  const name = freshBackupName(dir, clock.now());
  const finalPath = join(dir, name);
  const partial = `${finalPath}.partial`;

  const src = new Database(source, { fileMustExist: true });
  try {
    src.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    await src.backup(partial, { progress: () => 0x7fffffff });
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    src.close();
  }

  const copy = new Database(partial, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  renameSync(partial, finalPath);
  return { path: finalPath, bytes: statSync(finalPath).size };
}
