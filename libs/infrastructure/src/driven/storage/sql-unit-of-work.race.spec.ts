import Database from 'better-sqlite3';
import { FakeClock } from '@cab/domain/testing';
import { tempDir } from '@cab/infrastructure/testing';
import { join } from 'node:path';
import { captureStderr, forkTs, killChildren, nextMessage } from '../../../test/storage/fixtures';
import { locateMigrationsDir } from './migrations/files';
import { migrate } from './migrations/runner';
import { applyPragmas } from './sqlite/connection';

jest.setTimeout(60_000);

const TIMES = 150;
const isReady = (m: unknown): m is { ready: true } => typeof m === 'object' && m !== null && 'ready' in m;
const isDone = (m: unknown): m is { done: number } => typeof m === 'object' && m !== null && 'done' in m;

describe('units of work from two processes on the same row', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('cab-uow-race-')));
  afterEach(async () => {
    await killChildren();
    tmp.cleanup();
  });

  it('queue on the write lock: no update is lost and none fails with SQLITE_BUSY', async () => {
    const dbPath = join(tmp.dir, 'bot.db');
    const db = new Database(dbPath);
    applyPragmas(db, {});
    migrate(db, { dir: locateMigrationsDir(), clock: new FakeClock() });
    db.close();

    const children = [forkTs('incrementer.ts', [dbPath, String(TIMES)]), forkTs('incrementer.ts', [dbPath, String(TIMES)])];
    const stderr = children.map(captureStderr);
    await Promise.all(children.map((c, i) => nextMessage(c, isReady, stderr[i])));
    const done = children.map((c, i) => nextMessage(c, isDone, stderr[i]));
    for (const c of children) c.send('go');
    await Promise.all(done);

    const check = new Database(dbPath, { readonly: true });
    try {
      expect(check.prepare("SELECT base_qty, version FROM positions WHERE symbol = 'BTC/USDT'").get()).toEqual({
        base_qty: String(2 * TIMES),
        version: 2 * TIMES,
      });
    } finally {
      check.close();
    }
  });
});
