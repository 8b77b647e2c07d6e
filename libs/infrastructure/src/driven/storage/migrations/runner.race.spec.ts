import Database from 'better-sqlite3';
import { tempDir } from '@cab/infrastructure/testing';
import { join } from 'node:path';
import { captureStderr, forkTs, killChildren, nextMessage, waitExit } from '../../../../test/storage/fixtures';
import { locateMigrationsDir, readMigrationFiles } from './files';

jest.setTimeout(60_000);

const isReady = (m: unknown): m is { ready: true } => typeof m === 'object' && m !== null && 'ready' in m;

describe('two processes starting on a fresh database at the same time', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('cab-mig-race-')));
  afterEach(async () => {
    await killChildren();
    tmp.cleanup();
  });

  it('apply each migration exactly once and both start', async () => {
    const dbPath = join(tmp.dir, 'bot.db');
    // Each child opens the storage (which migrates) as soon as it is forked.
    const children = [0, 1, 2].map(() => forkTs('reserver.ts', [dbPath]));
    const stderr = children.map(captureStderr);
    await Promise.all(children.map((c, i) => nextMessage(c, isReady, stderr[i])));
    for (const c of children) c.send('exit');
    await Promise.all(children.map(waitExit));

    const db = new Database(dbPath, { readonly: true });
    try {
      const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
      expect(versions).toEqual(readMigrationFiles(locateMigrationsDir()).map((f) => f.version));
    } finally {
      db.close();
    }
  });
});
