import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Clock } from '@cab/domain';
import { backupDatabase } from './backup';
import { checkIntegrity } from './integrity';

export interface RestoreOptions {
  clock: Clock;
  /** Where the safety copy of the current database goes. Default: the backup's own folder. */
  backupsDir?: string;
  busyTimeoutMs?: number;
}

export type RestoreResult =
  | { ok: true; restoredFrom: string; dbPath: string; safetyCopy: string | null }
  | { ok: false; code: 'MAINTENANCE.BACKUP_CORRUPT' | 'MAINTENANCE.RESTORED_CORRUPT'; problems: string[]; safetyCopy: string | null };

/**
 * Replaces the database at `dbPath` with the backup `from`. Stop the bot first: it would keep
 * writing to the database being replaced.
 *
 * 1. The backup is checked (integrity + foreign keys); a bad backup changes nothing.
 * 2. The current database, if any, is backed up first (a normal db-*.sqlite3 backup), so a wrong
 *    restore can itself be undone.
 * 3. The pages are copied with SQLite's backup API into the database, not with a file copy: a
 *    file copy would leave the old -wal beside the new file, and SQLite would replay the old
 *    database's last transactions onto the restored one.
 */
export async function restoreDatabase(from: string, dbPath: string, options: RestoreOptions): Promise<RestoreResult> {
  const source = resolve(from);
  const target = resolve(dbPath);
  const check = checkIntegrity(source);
  if (!check.ok) return { ok: false, code: 'MAINTENANCE.BACKUP_CORRUPT', problems: check.problems, safetyCopy: null };

  let safetyCopy: string | null = null;
  if (existsSync(target)) {
    safetyCopy = (await backupDatabase(target, options.backupsDir ?? dirname(source), options.clock, options)).path;
  }

  const src = new Database(source, { fileMustExist: true, readonly: true });
  try {
    await src.backup(target, { progress: () => 0x7fffffff });
  } finally {
    src.close();
  }
  const after = checkIntegrity(target, options);
  if (!after.ok) return { ok: false, code: 'MAINTENANCE.RESTORED_CORRUPT', problems: after.problems, safetyCopy };
  return { ok: true, restoredFrom: source, dbPath: target, safetyCopy };
}
