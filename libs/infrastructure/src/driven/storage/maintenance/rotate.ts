import { rmSync } from 'node:fs';
import type { Clock } from '@cab/domain';
import { listBackups, type BackupKind } from './backup-files';
import { MaintenanceError } from './errors';

export interface RotateOptions {
  /**
   * Never delete the newest backups, however old: a bot that stopped taking backups a month ago
   * must not lose its last one to `rotate --days 7`. Default 1.
   */
  keepAtLeast?: number;
  /** Only backups of this kind (a folder may hold SQLite copies and Postgres dumps). Default: all. */
  kind?: BackupKind;
}

/** Deletes backups older than `days` days (by the time in their name). Returns the removed file names. */
export function rotateBackups(backupsDir: string, days: number, clock: Clock, options: RotateOptions = {}): string[] {
  if (!Number.isFinite(days) || days < 0) throw new MaintenanceError('MAINTENANCE.BAD_ARGUMENT', `--days must be >= 0, got ${days}`);
  const keep = options.keepAtLeast ?? 1;
  if (!Number.isInteger(keep) || keep < 0) throw new MaintenanceError('MAINTENANCE.BAD_ARGUMENT', `keepAtLeast must be an integer >= 0, got ${keep}`);
  const cutoffSec = days * 86_400;
  const removed: string[] = [];
  listBackups(backupsDir, clock, options.kind).forEach((b, i) => {
    if (i < keep || b.ageSec <= cutoffSec) return;
    rmSync(b.path);
    removed.push(b.file);
  });
  return removed;
}
