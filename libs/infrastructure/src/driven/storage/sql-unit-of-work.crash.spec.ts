import Database from 'better-sqlite3';
import { FakeClock } from '@cab/domain/testing';
import { tempDir } from '@cab/infrastructure/testing';
import { join } from 'node:path';
import { assertWholeTrades, captureStderr, forkTs, killChildren, nextMessage, waitExit } from '../../../test/storage/fixtures';
import { checkIntegrity } from './maintenance/integrity';
import { locateMigrationsDir } from './migrations/files';
import { migrate } from './migrations/runner';
import { applyPragmas } from './sqlite/connection';

// A generous ceiling: six rounds of forked tsx children, beside the rest of the suite on a loaded machine.
jest.setTimeout(180_000);

const isInside = (m: unknown): m is { inside: true } => typeof m === 'object' && m !== null && 'inside' in m;
const committed =
  (n: number) =>
  (m: unknown): m is { committed: number } =>
    typeof m === 'object' && m !== null && 'committed' in m && (m as { committed: number }).committed >= n;

describe('a writer killed with SIGKILL (real child processes, real file)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dbPath: string;

  beforeEach(() => {
    tmp = tempDir('cab-crash-');
    dbPath = join(tmp.dir, 'bot.db');
    const db = new Database(dbPath);
    applyPragmas(db, {});
    migrate(db, { dir: locateMigrationsDir(), clock: new FakeClock() });
    db.close();
  });
  afterEach(async () => {
    await killChildren();
    tmp.cleanup();
  });

  function inspect(): { orders: number; fills: number } {
    expect(checkIntegrity(dbPath)).toEqual({ ok: true, problems: [] });
    const db = new Database(dbPath);
    try {
      return assertWholeTrades(db);
    } finally {
      db.close();
    }
  }

  it('inside a transaction, after the order and fills were written: none of it survives', async () => {
    const before = forkTs('writer.ts', [dbPath, 'loop']);
    const errBefore = captureStderr(before);
    await nextMessage(before, committed(3), errBefore);
    before.kill('SIGKILL');
    await waitExit(before);
    const base = inspect();
    expect(base.orders).toBeGreaterThanOrEqual(3);

    const child = forkTs('writer.ts', [dbPath, 'hang']);
    const stderr = captureStderr(child);
    await nextMessage(child, isInside, stderr); // the order and its fills are written, not committed
    child.kill('SIGKILL');
    expect((await waitExit(child)).signal).toBe('SIGKILL');

    const after = inspect();
    expect(after).toEqual(base);
    const db = new Database(dbPath);
    try {
      const stray = db.prepare('SELECT count(*) n FROM orders WHERE client_order_id LIKE ?').get(`w-${child.pid}-%`);
      expect(stray).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('at random moments while committing trades: every trade is whole, and writing resumes', async () => {
    for (let round = 0; round < 6; round++) {
      const child = forkTs('writer.ts', [dbPath, 'loop']);
      const stderr = captureStderr(child);
      await nextMessage(child, committed(1), stderr);
      // Kill somewhere in the middle of the stream of transactions; which statement it hits is up to chance.
      await new Promise((r) => setTimeout(r, 5 + Math.floor(Math.random() * 60)));
      child.kill('SIGKILL');
      expect((await waitExit(child)).signal).toBe('SIGKILL');
      inspect();
    }
    expect(inspect().orders).toBeGreaterThan(6);
  });
});
