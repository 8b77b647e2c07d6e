import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export interface IntegrityResult {
  ok: boolean;
  /** Empty when ok: each line one problem SQLite reported (or why the file could not be checked). */
  problems: string[];
}

interface FkRow {
  table: string;
  rowid: number | null;
  parent: string;
  fkid: number;
}

/**
 * PRAGMA integrity_check (pages, indexes, constraints) plus PRAGMA foreign_key_check (integrity_check
 * does not look at foreign keys). A missing or non-SQLite file is a failed check, not an exception.
 */
export function checkIntegrity(dbPath: string, options: { busyTimeoutMs?: number } = {}): IntegrityResult {
  const path = resolve(dbPath);
  if (!existsSync(path)) return { ok: false, problems: [`no database at ${path}`] };
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    const problems: string[] = [];
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    for (const r of rows) if (r.integrity_check !== 'ok') problems.push(`integrity_check: ${r.integrity_check}`);
    const fks = db.pragma('foreign_key_check') as FkRow[];
    for (const f of fks) problems.push(`foreign_key_check: ${f.table} row ${String(f.rowid)} points to a missing ${f.parent} row (fk ${f.fkid})`);
    return { ok: problems.length === 0, problems };
  } catch (e) {
    return { ok: false, problems: [`cannot check ${path}: ${(e as Error).message}`] };
  } finally {
    db?.close();
  }
}
