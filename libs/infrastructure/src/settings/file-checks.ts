import * as path from 'node:path';
import { parseCandleBytes } from '../driven/market-data/candle-csv';
import type { FileProbe } from './file-probe';

/**
 * Problems with DB_PATH that would otherwise surface as a crash when the database opens: it is a
 * folder (or a socket…), or one of its parent folders is a regular file. A missing file or missing
 * folders are fine: the database and its folder are created.
 */
export function dbPathProblems(dbPath: string, cwd: string, probe: FileProbe): string[] {
  const abs = path.resolve(cwd, dbPath);
  const kind = probe.kind(abs);
  if (kind === 'directory') return [`DB_PATH: ${abs} is a folder; name the database file inside it, e.g. ${path.join(abs, 'crypto_ai_bot.db')}`];
  if (kind === 'other') return [`DB_PATH: ${abs} is not a regular file`];
  if (kind === 'file') return [];
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    const k = probe.kind(dir);
    if (k === 'directory') return [];
    if (k === 'file' || k === 'other') return [`DB_PATH: ${dir} is a file, not a folder, so ${abs} cannot be created there`];
    if (path.dirname(dir) === dir) return [];
  }
}

/** A candle file the replay could not use: unreadable, or not candles (the parser says which line). */
export function candleFileProblem(variable: string, file: string, cwd: string, probe: FileProbe): string | null {
  const abs = path.resolve(cwd, file);
  const kind = probe.kind(abs);
  if (kind === 'missing') return `${variable}: ${abs} does not exist`;
  if (kind !== 'file') return `${variable}: ${abs} is not a regular file`;
  let bytes: Buffer;
  try {
    bytes = probe.readBytes(abs);
  } catch (e) {
    return `${variable}: cannot read ${abs} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`;
  }
  try {
    parseCandleBytes(bytes, abs);
    return null;
  } catch (e) {
    return `${variable}: not a usable candle file: ${(e as Error).message}`;
  }
}
