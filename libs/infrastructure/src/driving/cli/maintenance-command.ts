import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Clock } from '@cab/domain';
import { backupDatabase } from '../../driven/storage/maintenance/backup';
import { listBackups } from '../../driven/storage/maintenance/backup-files';
import { MaintenanceError } from '../../driven/storage/maintenance/errors';
import { checkIntegrity } from '../../driven/storage/maintenance/integrity';
import { restoreDatabase } from '../../driven/storage/maintenance/restore';
import { rotateBackups } from '../../driven/storage/maintenance/rotate';
import { vacuumDatabase } from '../../driven/storage/maintenance/vacuum';
import { locateMigrationsDir } from '../../driven/storage/migrations/files';
import { migrationStatusAt } from '../../driven/storage/migrations/status-at';
import { openSqliteStorage } from '../../driven/storage/sqlite-storage';
import { postgresMaintenanceCommand } from './postgres-maintenance-command';
import { failed, formatTable, json, ok, type CommandResult } from './table';

export const MAINTENANCE_ACTIONS = ['backup', 'rotate', 'vacuum', 'integrity', 'list', 'restore', 'migrate', 'status'] as const;
export type MaintenanceAction = (typeof MAINTENANCE_ACTIONS)[number];

export interface MaintenanceInput {
  action: MaintenanceAction;
  dbPath: string;
  backupsDir: string;
  clock: Clock;
  /** rotate: delete backups older than this many days. */
  days?: number;
  /** restore: the backup file. */
  file?: string;
  json?: boolean;
  /** Default: the repo's or the bundle's migrations/ (Postgres: migrations/postgres). */
  migrationsDir?: string;
  /** The revealed DB_URL: the actions work on that Postgres store instead of the file at dbPath. */
  dbUrl?: string | null;
  /** BOT_ID (Postgres migrate opens the storage as this bot). */
  botId?: string;
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const iso = (ts: number): string => new Date(ts).toISOString().replace('.000Z', 'Z');

/**
 * `cab maintenance <action>`: the storage maintenance functions with operator-friendly output.
 * Only `migrate` opens the database for writing through the storage (and so applies migrations);
 * the others work on the file as it is, and are safe while the bot runs (vacuum makes the bot's
 * writes wait; restore wants the bot stopped and says so).
 */
export async function maintenanceCommand(i: MaintenanceInput): Promise<CommandResult> {
  if (i.dbUrl) return postgresMaintenanceCommand({ ...i, dbUrl: i.dbUrl });
  const dbPath = resolve(i.dbPath);
  const dir = resolve(i.backupsDir);
  switch (i.action) {
    case 'backup': {
      const b = await backupDatabase(dbPath, dir, i.clock);
      const problems = b.intentLogProblems.length > 0;
      if (i.json) return json(b, problems ? 1 : 0);
      const folded = b.intentsFolded === 0 ? '' : `; ${b.intentsFolded} order(s) from the intent log folded in`;
      const text = `backup written: ${b.path} (${kib(b.bytes)}${folded})`;
      return problems ? failed(`${text}\n${b.intentLogProblems.map((p) => `  ${p}`).join('\n')}`) : ok(text);
    }
    case 'rotate': {
      if (i.days === undefined) throw new MaintenanceError('MAINTENANCE.BAD_ARGUMENT', 'rotate needs --days N');
      const removed = rotateBackups(dir, i.days, i.clock, { kind: 'sqlite3' });
      if (i.json) return json({ removed });
      return ok(
        removed.length === 0
          ? `no backups older than ${i.days} days in ${dir}`
          : `removed ${removed.length} backup(s) older than ${i.days} days:\n${removed.map((f) => `  ${f}`).join('\n')}`,
      );
    }
    case 'vacuum': {
      const v = vacuumDatabase(dbPath);
      return i.json ? json(v) : ok(`vacuumed ${dbPath}: ${kib(v.bytesBefore)} → ${kib(v.bytesAfter)}`);
    }
    case 'integrity': {
      const r = checkIntegrity(dbPath);
      if (i.json) return json(r, r.ok ? 0 : 1);
      return r.ok ? ok(`integrity ok: ${dbPath}`) : failed(`integrity FAILED: ${dbPath}\n${r.problems.map((p) => `  ${p}`).join('\n')}`);
    }
    case 'list': {
      const backups = listBackups(dir, i.clock, 'sqlite3');
      if (i.json) return json(backups);
      if (backups.length === 0) return ok(`no backups in ${dir}`);
      return ok(
        formatTable(
          ['file', 'taken (UTC)', 'size', 'age'],
          backups.map((b) => [b.file, iso(b.takenAt), kib(b.bytes), age(b.ageSec)]),
        ),
      );
    }
    case 'restore': {
      if (!i.file) throw new MaintenanceError('MAINTENANCE.BAD_ARGUMENT', 'restore needs the backup file: cab maintenance restore <file>');
      const from = resolve(i.file);
      if (!existsSync(from)) throw new MaintenanceError('MAINTENANCE.BAD_ARGUMENT', `no backup file at ${from}`);
      const r = await restoreDatabase(from, dbPath, { clock: i.clock, backupsDir: dir });
      if (i.json) return json(r, r.ok ? 0 : 1);
      if (!r.ok)
        return failed(
          `restore refused (${r.code}):\n${r.problems.map((p) => `  ${p}`).join('\n')}${r.safetyCopy ? `\nthe database before the attempt is saved at ${r.safetyCopy}` : ''}`,
        );
      return ok(
        `restored ${r.dbPath} from ${r.restoredFrom}${r.safetyCopy ? `\nthe previous database is saved at ${r.safetyCopy}` : ''}\nrestart the bot to use it`,
      );
    }
    case 'migrate': {
      const storage = openSqliteStorage({ path: dbPath, clock: i.clock, ...(i.migrationsDir ? { migrationsDir: i.migrationsDir } : {}) });
      await storage.close();
      const m = storage.migrations;
      if (i.json) return json(m);
      return ok(
        m.applied.length === 0
          ? `up to date: schema version ${m.version}`
          : `applied ${m.applied.map((a) => `V${String(a.version).padStart(4, '0')} ${a.name}`).join(', ')}; schema version ${m.version}`,
      );
    }
    case 'status': {
      const s = migrationStatusAt(dbPath, i.migrationsDir ?? locateMigrationsDir());
      const backups = listBackups(dir, i.clock, 'sqlite3');
      const exists = existsSync(dbPath);
      const summary = {
        dbPath,
        exists,
        bytes: exists ? statSync(dbPath).size : 0,
        schemaVersion: s.version,
        applied: s.applied.length,
        pending: s.pending.map((p) => p.fileName),
        problems: s.problems.map((p) => `${p.code}: ${p.message}`),
        backups: backups.length,
        newestBackup: backups[0]?.file ?? null,
      };
      const code = s.problems.length > 0 ? 1 : 0;
      if (i.json) return json(summary, code);
      const rows: [string, string][] = [
        ['database', `${dbPath}${exists ? ` (${kib(summary.bytes)})` : ' (not created yet)'}`],
        ['schema version', String(s.version)],
        ['migrations', `${s.applied.length} applied, ${s.pending.length} pending${s.pending.length ? ` (${summary.pending.join(', ')})` : ''}`],
        ['problems', summary.problems.length ? summary.problems.join('; ') : 'none'],
        ['backups', `${backups.length} in ${dir}${backups[0] ? `, newest ${backups[0].file}` : ''}`],
      ];
      const text = rows.map(([k, v]) => `${k.padEnd(15)}${v}`).join('\n');
      return code === 0 ? ok(text) : failed(text);
    }
  }
}

function age(sec: number): string {
  if (sec < 3600) return `${Math.floor(sec / 60)} min`;
  if (sec < 86_400) return `${(sec / 3600).toFixed(1)} h`;
  return `${(sec / 86_400).toFixed(1)} d`;
}
