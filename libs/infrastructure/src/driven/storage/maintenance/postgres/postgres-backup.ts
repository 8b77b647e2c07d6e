import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Clock } from '@cab/domain';
import { freshBackupName } from '../backup-files';
import type { BackupFile } from '../backup';
import { runPgTool } from './pg-tools';

/**
 * pg_dump of the whole database (every bot's rows: a dump cannot pick rows) in pg_dump's custom
 * format: one compressed file pg_restore reads. A consistent snapshot taken while the bots keep
 * writing. Written to "<name>.partial" and renamed when complete, as the SQLite backup is.
 */
export async function backupPostgres(url: string, backupsDir: string, clock: Clock): Promise<BackupFile> {
  const dir = resolve(backupsDir);
  mkdirSync(dir, { recursive: true });
  const finalPath = join(dir, freshBackupName(dir, clock.now(), 'pgdump'));
  const partial = `${finalPath}.partial`;
  try {
    await runPgTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`], url);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  renameSync(partial, finalPath);
  return { path: finalPath, bytes: statSync(finalPath).size };
}
