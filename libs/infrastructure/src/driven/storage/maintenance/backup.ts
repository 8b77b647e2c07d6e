import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Clock } from '@cab/domain';
import { openSqlite } from '../sqlite/connection';
import { intentLogPath, readIntentLog } from '../sqlite/intent-log';
import { SqliteWriteAhead } from '../sqlite/sqlite-write-ahead';
import { freshBackupName } from './backup-files';
import { MaintenanceError } from './errors';

/** A backup written: its file and size. */
export interface BackupFile {
  path: string;
  bytes: number;
}

export interface BackupResult extends BackupFile {
  /** Orders the copy holds from the intent logs beside the database, not yet in it (a crashed bot's last sends). */
  intentsFolded: number;
  /** Intent logs that could not be read: their orders are not in the copy (the backup is written all the same). */
  intentLogProblems: string[];
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
 *  - The order intent logs beside the database (docs/core.md, "The write-ahead") are folded into
 *    the copy: an order a bot wrote ahead and sent is in its log first, and stays only there when
 *    the bot was killed before its next start. The logs are read, never changed (the bot, running
 *    or not, still owns them); folding an intent already in the database changes nothing.
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

  let folded: { intentsFolded: number; intentLogProblems: string[] };
  try {
    folded = await foldIntentLogs(source, partial, clock);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  renameSync(partial, finalPath);
  return { path: finalPath, bytes: statSync(finalPath).size, ...folded };
}

/** The intent logs of every bot on `source` folded into the copy at `copyPath`, which then leaves WAL mode. */
async function foldIntentLogs(source: string, copyPath: string, clock: Clock): Promise<{ intentsFolded: number; intentLogProblems: string[] }> {
  const copy = openSqlite({ path: copyPath, synchronous: 'FULL' });
  let intentsFolded = 0;
  const intentLogProblems: string[] = [];
  try {
    for (const { botId, path } of intentLogsBeside(source)) {
      let intents;
      try {
        intents = readIntentLog(path);
      } catch (e) {
        intentLogProblems.push(`${(e as Error).message} (its orders are not in this backup)`);
        continue;
      }
      if (intents.length === 0) continue;
      const there = new SqliteWriteAhead(copy.db, copy.raw, clock, botId).foldIntents(intents);
      intentsFolded += intents.length - there.length;
    }
    copy.raw.pragma('journal_mode = DELETE');
  } finally {
    await copy.close();
  }
  return { intentsFolded, intentLogProblems };
}

/** `<db>-intents-<BOT_ID>` files beside the database (not their `.lock`: a BOT_ID has no dot). */
function intentLogsBeside(source: string): { botId: string; path: string }[] {
  const prefix = `${basename(intentLogPath(source, ''))}`;
  return readdirSync(dirname(source))
    .filter((f) => f.startsWith(prefix) && f.length > prefix.length && !f.includes('.', prefix.length))
    .sort()
    .map((f) => ({ botId: f.slice(prefix.length), path: join(dirname(source), f) }));
}
