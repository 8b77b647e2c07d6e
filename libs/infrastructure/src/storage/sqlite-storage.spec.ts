import { FakeClock } from '@cab/domain/testing';
import { tempDir } from '@cab/infrastructure/testing';
import { appendFileSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { locateMigrationsDir } from './migrations/files';
import { openSqliteStorage } from './sqlite-storage';
import { SqlUnitOfWork } from './unit-of-work';

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
