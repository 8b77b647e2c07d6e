import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Clock } from '@cab/domain';
import { backupDatabase } from './backup';
import { checkIntegrity } from './integrity';
import { databaseInUse, notABackupReason } from './restore-checks';

export interface RestoreOptions {
  clock: Clock;
  /** Where the safety copy of the current database goes. Default: the backup's own folder. */
  backupsDir?: string;
  busyTimeoutMs?: number;
}

export type RestoreResult =
  | { ok: true; restoredFrom: string; dbPath: string; safetyCopy: string | null }
  | {
      ok: false;
      code: 'MAINTENANCE.NOT_A_BACKUP' | 'MAINTENANCE.DB_IN_USE' | 'MAINTENANCE.BACKUP_CORRUPT' | 'MAINTENANCE.RESTORED_CORRUPT';
      problems: string[];
      safetyCopy: string | null;
    };

/**
 * Replaces the database at `dbPath` with the backup `from`. Refused while the database is open
 * elsewhere (the bot running, paper or live): it would keep writing to the database being replaced.
 *
 * 1. The backup is checked: a SQLite file with our migrations table (an empty or foreign file
 *    would leave an empty schema that looks healthy), integrity + foreign keys; a bad backup
 *    changes nothing.
 * 2. The current database, if any, is backed up first (a normal db-*.sqlite3 backup), so a wrong
 *    restore can itself be undone.
 * 3. The pages are copied with SQLite's backup API into the database, not with a file copy: a
 *    file copy would leave the old -wal beside the new file, and SQLite would replay the old
 *    database's last transactions onto the restored one.
 */
export async function restoreDatabase(from: string, dbPath: string, options: RestoreOptions): Promise<RestoreResult> {
  const source = resolve(from);
  const target = resolve(dbPath);
  const foreign = notABackupReason(source);
  if (foreign !== null) return { ok: false, code: 'MAINTENANCE.NOT_A_BACKUP', problems: [foreign], safetyCopy: null };
  if (databaseInUse(target))
    return {
      ok: false,
      code: 'MAINTENANCE.DB_IN_USE',
      problems: [`${target} is open in another process (is the bot running?): stop it first, then restore`],
      safetyCopy: null,
    };
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
