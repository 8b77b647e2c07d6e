import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { listBackups } from '../../driven/storage/maintenance/backup-files';
import { MaintenanceError } from '../../driven/storage/maintenance/errors';
import { backupPostgres } from '../../driven/storage/maintenance/postgres/postgres-backup';
import { checkPostgresIntegrity, postgresStatus } from '../../driven/storage/maintenance/postgres/postgres-inspect';
import { restorePostgres } from '../../driven/storage/maintenance/postgres/postgres-restore';
import { rotateBackups } from '../../driven/storage/maintenance/rotate';
import { locatePostgresMigrationsDir } from '../../driven/storage/migrations/postgres-runner';
import { openPostgresStorage } from '../../driven/storage/postgres-storage';
import { createPostgresPool, redactPostgresUrl } from '../../driven/storage/postgres/pool';
import { BOT_TABLES } from '../../driven/storage/schema';
import type { MaintenanceInput } from './maintenance-command';
import { failed, formatTable, json, ok, type CommandResult } from './table';

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const iso = (ts: number): string => new Date(ts).toISOString().replace('.000Z', 'Z');

/**
 * `cab maintenance <action>` when DB_URL names a Postgres store (docs/postgres.md, "Maintenance"):
 * backup/restore through pg_dump/pg_restore (custom-format .pgdump files beside the SQLite ones),
 * integrity and status from the catalog, migrate through the storage. `vacuum` is SQLite only:
 * Postgres vacuums itself (autovacuum). The URL's password is never printed.
 */
export async function postgresMaintenanceCommand(i: MaintenanceInput & { dbUrl: string }): Promise<CommandResult> {
  const dir = resolve(i.backupsDir);
  const where = redactPostgresUrl(i.dbUrl);
  const migrationsDir = i.migrationsDir ?? locatePostgresMigrationsDir();
  const withPool = async <T>(work: (pool: ReturnType<typeof createPostgresPool>) => Promise<T>): Promise<T> => {
    const pool = createPostgresPool({ url: i.dbUrl, max: 1, applicationName: 'crypto-ai-bot maintenance' });
    try {
      return await work(pool);
    } finally {
      await pool.end();
    }
  };
  switch (i.action) {
    case 'backup': {
      const b = await backupPostgres(i.dbUrl, dir, i.clock);
      return i.json ? json(b) : ok(`backup written: ${b.path} (${kib(b.bytes)}; pg_dump of ${where}, every bot of the database)`);
    }
    case 'rotate': {
      if (i.days === undefined) throw new MaintenanceError('MAINTENANCE.BAD_ARGUMENT', 'rotate needs --days N');
      const removed = rotateBackups(dir, i.days, i.clock, { kind: 'pgdump' });
      if (i.json) return json({ removed });
      return ok(
        removed.length === 0
          ? `no Postgres backups older than ${i.days} days in ${dir}`
          : `removed ${removed.length} backup(s):\n${removed.map((f) => `  ${f}`).join('\n')}`,
      );
    }
    case 'vacuum':
      throw new MaintenanceError('MAINTENANCE.BAD_ARGUMENT', 'vacuum applies to SQLite only: Postgres vacuums itself (autovacuum)');
    case 'integrity': {
      const r = await withPool((pool) => checkPostgresIntegrity(pool, migrationsDir));
      if (i.json) return json({ ok: r.ok, problems: r.problems }, r.ok ? 0 : 1);
      return r.ok
        ? ok(`integrity ok: ${where} (schema version ${r.migrations.version}, checksums match, tables and indexes present)`)
        : failed(`integrity FAILED: ${where}\n${r.problems.map((p) => `  ${p}`).join('\n')}`);
    }
    case 'list': {
      const backups = listBackups(dir, i.clock, 'pgdump');
      if (i.json) return json(backups);
      if (backups.length === 0) return ok(`no Postgres backups in ${dir}`);
      return ok(
        formatTable(
          ['file', 'taken (UTC)', 'size'],
          backups.map((b) => [b.file, iso(b.takenAt), kib(b.bytes)]),
        ),
      );
    }
    case 'restore': {
      if (!i.file) throw new MaintenanceError('MAINTENANCE.BAD_ARGUMENT', 'restore needs the backup file: cab maintenance restore <file>');
      const from = resolve(i.file);
      if (!existsSync(from)) throw new MaintenanceError('MAINTENANCE.BAD_ARGUMENT', `no backup file at ${from}`);
      const r = await restorePostgres(from, i.dbUrl, { clock: i.clock, migrationsDir, backupsDir: dir });
      if (i.json) return json(r, r.ok ? 0 : 1);
      if (!r.ok)
        return failed(
          `restore refused (${r.code}):\n${r.problems.map((p) => `  ${p}`).join('\n')}${r.safetyCopy ? `\nthe database before the attempt is saved at ${r.safetyCopy}` : ''}`,
        );
      return ok(
        `restored ${where} from ${r.restoredFrom} (every bot of the database)${r.safetyCopy ? `\nthe previous database is saved at ${r.safetyCopy}` : ''}\nrestart the bots to use it`,
      );
    }
    case 'migrate': {
      const storage = await openPostgresStorage({ url: i.dbUrl, clock: i.clock, migrationsDir, ...(i.botId ? { botId: i.botId } : {}) });
      await storage.close();
      const m = storage.migrations;
      if (i.json) return json(m);
      return ok(
        m.applied.length === 0
          ? `up to date: schema version ${m.version}`
          : `applied ${m.applied.map((a) => `postgres/V${String(a.version).padStart(4, '0')} ${a.name}`).join(', ')}; schema version ${m.version}`,
      );
    }
    case 'status': {
      const s = await withPool((pool) => postgresStatus(pool, migrationsDir));
      const backups = listBackups(dir, i.clock, 'pgdump');
      const problems = s.migrations.problems.map((p) => `${p.code}: ${p.message}`);
      const code = problems.length > 0 ? 1 : 0;
      if (i.json)
        return json(
          {
            database: where,
            serverVersion: s.serverVersion,
            bytes: s.bytes,
            schemaVersion: s.migrations.version,
            applied: s.migrations.applied.length,
            pending: s.migrations.pending.map((p) => p.fileName),
            problems,
            bots: s.bots,
            candles: s.candles,
            backups: backups.length,
            newestBackup: backups[0]?.file ?? null,
          },
          code,
        );
      const rows: [string, string][] = [
        ['database', `${where} (Postgres ${s.serverVersion}, ${kib(s.bytes)})`],
        ['schema version', String(s.migrations.version)],
        [
          'migrations',
          `${s.migrations.applied.length} applied, ${s.migrations.pending.length} pending${s.migrations.pending.length ? ` (${s.migrations.pending.map((p) => p.fileName).join(', ')})` : ''}`,
        ],
        ['problems', problems.length ? problems.join('; ') : 'none'],
        ['candles', `${s.candles} (shared by the bots)`],
        ['backups', `${backups.length} in ${dir}${backups[0] ? `, newest ${backups[0].file}` : ''}`],
      ];
      const head = rows.map(([k, v]) => `${k.padEnd(15)}${v}`).join('\n');
      const bots =
        s.bots.length === 0
          ? 'no bot has written to this database yet'
          : formatTable(
              ['bot', ...BOT_TABLES],
              s.bots.map((b) => [b.botId, ...BOT_TABLES.map((t) => String(b.rows[t] ?? 0))]),
            );
      const text = `${head}\n\nrows per bot:\n${bots}`;
      return code === 0 ? ok(text) : failed(text);
    }
  }
}
