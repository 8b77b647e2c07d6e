// Test helpers for @cab/infrastructure: import from '@cab/infrastructure/testing' in specs only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@cab/domain';
import { openSqliteStorage, type SqliteStorage, type SqliteStorageOptions } from './storage/sqlite-storage';

/** A fresh folder under the OS temp dir; `cleanup()` removes it. */
export function tempDir(prefix = 'cab-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A migrated SQLite storage on a real file in a temp folder (tests use real SQLite, not mocks).
 * `dispose()` closes it and deletes the folder.
 */
export function openTempStorage(
  clock: Clock,
  options: Partial<Omit<SqliteStorageOptions, 'clock' | 'path'>> = {},
): SqliteStorage & { dir: string; dbPath: string; dispose: () => Promise<void> } {
  const { dir, cleanup } = tempDir('cab-db-');
  const dbPath = join(dir, 'test.db');
  const storage = openSqliteStorage({ ...options, path: dbPath, clock });
  return {
    ...storage,
    dir,
    dbPath,
    dispose: async () => {
      await storage.close();
      cleanup();
    },
  };
}
