import { FakeClock } from '@cab/domain/testing';
import { tempDir } from '@cab/infrastructure/testing';
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { locateMigrationsDir } from './migrations/files';
import { BACKSTOP_CHECKPOINT_PAGES, openSqliteStorage } from './sqlite-storage';
import { SqlUnitOfWork } from './sql-unit-of-work';

describe('openSqliteStorage', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('cab-open-')));
  afterEach(() => tmp.cleanup());

  it('migrates on open and reports what it applied; a reopen applies nothing', async () => {
    const clock = new FakeClock();
    const path = join(tmp.dir, 'data', 'bot.db');
    const first = openSqliteStorage({ path, clock });
    expect(first.migrations.applied.length).toBeGreaterThan(0);
    await first.close();
    const second = openSqliteStorage({ path, clock });
    expect(second.migrations.applied).toEqual([]);
    expect(second.migrations.version).toBe(first.migrations.version);
    await second.close();
  });

  it('leaves WAL checkpoints to housekeeping: commits only append to the WAL until it runs', async () => {
    const clock = new FakeClock();
    const path = join(tmp.dir, 'wal.db');
    const s = openSqliteStorage({ path, clock });
    try {
      expect(s.connection.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_CHECKPOINT_PAGES);
      const before = statSync(path).size;
      // Well past SQLite's default threshold of 1000 pages: a default connection would have checkpointed.
      for (let i = 0; i < 1500; i++) await s.audit.record({ ts: i, kind: 'system', symbol: null, correlationId: null, summary: 'x'.repeat(2000), data: {} });
      expect(statSync(path).size).toBe(before);
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(1000 * 4096);
      await s.housekeeping.checkpoint();
      expect(statSync(path).size).toBeGreaterThan(1500 * 2000);
    } finally {
      await s.close();
    }
  });

  it('has no checkpoint to do in memory', async () => {
    const s = openSqliteStorage({ path: ':memory:', allowInMemory: true, clock: new FakeClock() });
    await expect(s.housekeeping.checkpoint()).resolves.toBeUndefined();
    await s.close();
  });

  it('refuses to open on a tampered migration', async () => {
    const dir = join(tmp.dir, 'migrations');
    mkdirSync(dir);
    for (const f of readdirSync(locateMigrationsDir()).filter((n) => n.endsWith('.sql'))) copyFileSync(join(locateMigrationsDir(), f), join(dir, f));
    const path = join(tmp.dir, 'bot.db');
    const clock = new FakeClock();
    const ok = openSqliteStorage({ path, clock, migrationsDir: dir });
    await ok.close();
    appendFileSync(join(dir, 'V0001__init.sql'), '-- edited\n');
    expect(() => openSqliteStorage({ path, clock, migrationsDir: dir })).toThrow(/MIGRATION\.CHECKSUM_MISMATCH/);
  });

  it('refuses a unit of work built on an open transaction (it would wait for itself)', async () => {
    const clock = new FakeClock();
    const s = openSqliteStorage({ path: join(tmp.dir, 'n.db'), clock });
    try {
      await s.connection.db.transaction().execute(async (trx) => {
        expect(() => new SqlUnitOfWork(trx, clock).run(async () => 1)).toThrow(/does not nest/);
      });
    } finally {
      await s.close();
    }
  });
});
