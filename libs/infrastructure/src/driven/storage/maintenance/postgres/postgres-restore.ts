import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Clock } from '@cab/domain';
import { createPostgresPool } from '../../postgres/pool';
import type { RestoreResult } from '../restore';
import { backupPostgres } from './postgres-backup';
import { checkPostgresIntegrity } from './postgres-inspect';
import { runPgTool } from './pg-tools';

export interface PostgresRestoreOptions {
  clock: Clock;
  /** Folder of the Postgres migrations, for the check after the restore. */
  migrationsDir: string;
  /** Where the safety dump of the current database goes. Default: the backup's own folder. */
  backupsDir?: string;
}

/**
 * Replaces the contents of the database at `url` with the dump `from`: every bot's rows (a dump
 * holds the whole database). Refused while any other session is connected (a bot running on it
 * would keep writing into the database being replaced).
 *
 * 1. The file must be a pg_dump custom-format dump of our schema (pg_restore --list names
 *    schema_migrations); anything else changes nothing.
 * 2. The current database, if it holds our schema, is dumped first, so a wrong restore can be undone.
 * 3. pg_restore --clean --single-transaction: all of it or nothing.
 * 4. The catalog checks (checkPostgresIntegrity) run on the result.
 */
export async function restorePostgres(from: string, url: string, options: PostgresRestoreOptions): Promise<RestoreResult> {
  const source = resolve(from);
  let listing: string;
  try {
    listing = existsSync(source) ? await runPgTool('pg_restore', ['--list', source], url) : '';
  } catch {
    listing = '';
  }
  if (!/ TABLE \S+ schema_migrations /.test(listing))
    return {
      ok: false,
      code: 'MAINTENANCE.NOT_A_BACKUP',
      problems: [`${source} is not a pg_dump (custom format) of a crypto-ai-bot database`],
      safetyCopy: null,
    };

  const pool = createPostgresPool({ url, max: 1, applicationName: 'crypto-ai-bot maintenance' });
  let hasSchema: boolean;
  try {
    const others = await pool.query<{ n: number; apps: string | null }>(
      "SELECT count(*) AS n, string_agg(DISTINCT application_name, ', ') AS apps FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    const busy = others.rows[0];
    if (busy && busy.n > 0)
      return {
        ok: false,
        code: 'MAINTENANCE.DB_IN_USE',
        problems: [`${busy.n} other session(s) are connected (${busy.apps || 'unnamed'}): stop every bot on this database first, then restore`],
        safetyCopy: null,
      };
    hasSchema = (await pool.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t")).rows[0]?.t != null;
  } finally {
    await pool.end();
  }

  const safetyCopy = hasSchema ? (await backupPostgres(url, options.backupsDir ?? dirname(source), options.clock)).path : null;
  const database = new URL(url).pathname.replace(/^\//, '');
  await runPgTool(
    'pg_restore',
    ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${decodeURIComponent(database)}`, source],
    url,
  );

  const check = createPostgresPool({ url, max: 1, applicationName: 'crypto-ai-bot maintenance' });
  try {
    const after = await checkPostgresIntegrity(check, options.migrationsDir);
    if (!after.ok) return { ok: false, code: 'MAINTENANCE.RESTORED_CORRUPT', problems: after.problems, safetyCopy };
  } finally {
    await check.end();
  }
  return { ok: true, restoredFrom: source, dbPath: database, safetyCopy };
}
