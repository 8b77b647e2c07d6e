import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@cab/domain';

/*
 * Backups are named db-YYYYmmdd-HHMMSS.sqlite3 in UTC (Postgres: .pgdump, pg_dump's custom format) (a second one within the same second gets
 * "-2", "-3"). The time in the name, not the file's mtime, is the backup's age: copying a backups
 * folder elsewhere must not make old backups look new to `rotate`.
 */
/** Where backups go unless the CLI is told otherwise (relative to the working directory). */
export const DEFAULT_BACKUPS_DIR = './backups';

/** The file kinds of a backups folder: SQLite copies and Postgres dumps (docs/postgres.md, "Maintenance"). */
export type BackupKind = 'sqlite3' | 'pgdump';

const NAME_RE = /^db-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-(\d+))?\.(sqlite3|pgdump)$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function backupFileName(ts: number, seq = 1, kind: BackupKind = 'sqlite3'): string {
  const d = new Date(ts);
  const stamp =
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `db-${stamp}${seq > 1 ? `-${seq}` : ''}.${kind}`;
}

/** The UTC time (epoch ms) a backup name encodes, or null if `file` is not a backup name. */
export function parseBackupFileName(file: string): number | null {
  const m = NAME_RE.exec(file);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ts = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ts) ? null : ts;
}

/** A file name for a new backup in `dir` that does not exist yet. */
export function freshBackupName(dir: string, ts: number, kind: BackupKind = 'sqlite3'): string {
  for (let seq = 1; ; seq++) {
    const name = backupFileName(ts, seq, kind);
    if (!existsSync(join(dir, name)) && !existsSync(join(dir, `${name}.partial`))) return name;
  }
}

export interface BackupInfo {
  file: string;
  path: string;
  bytes: number;
  /** When the backup was taken (from its name), epoch ms UTC. */
  takenAt: number;
  /** Seconds between `takenAt` and the clock's now. */
  ageSec: number;
}

/** Backups in `dir` (of one kind if given), newest first. A missing folder has no backups. Other files are ignored. */
export function listBackups(dir: string, clock: Clock, kind?: BackupKind): BackupInfo[] {
  if (!existsSync(dir)) return [];
  const now = clock.now();
  const out: BackupInfo[] = [];
  for (const file of readdirSync(dir)) {
    const takenAt = parseBackupFileName(file);
    if (takenAt === null || (kind !== undefined && !file.endsWith(`.${kind}`))) continue;
    const path = join(dir, file);
    const st = statSync(path);
    if (!st.isFile()) continue;
    out.push({ file, path, bytes: st.size, takenAt, ageSec: Math.max(0, Math.floor((now - takenAt) / 1000)) });
  }
  return out.sort((a, b) => b.takenAt - a.takenAt || b.file.localeCompare(a.file));
}
