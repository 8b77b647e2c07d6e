import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dec } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { createTestPostgresDatabase, tempDir, type TestPostgresDatabase } from '@cab/infrastructure/testing';
import { anOrder, aPosition } from '../../../test/storage/fixtures';
import { libpqEnv } from '../../driven/storage/maintenance/postgres/pg-tools';
import { MaintenanceError } from '../../driven/storage/maintenance/errors';
import { openPostgresStorage, type PostgresStorage } from '../../driven/storage/postgres-storage';
import { createPostgresPool } from '../../driven/storage/postgres/pool';
import { maintenanceCommand, type MaintenanceInput } from './maintenance-command';

jest.setTimeout(120_000);

describe('maintenanceCommand on Postgres (real server, real pg_dump/pg_restore)', () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 24, 12));
  let database: TestPostgresDatabase;
  let tmp: ReturnType<typeof tempDir>;
  /** The test URL with a password in it (the throwaway cluster trusts loopback and ignores it): it must never show. */
  let url: string;
  const PASSWORD = 'pw-s3cret-9';
  const open: PostgresStorage[] = [];

  beforeEach(async () => {
    database = await createTestPostgresDatabase('cab_maint');
    tmp = tempDir('cab-pg-maint-');
    const u = new URL(database.url);
    u.password = PASSWORD;
    url = u.toString();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await database.drop();
    tmp.cleanup();
  });

  const bot = async (botId: string): Promise<PostgresStorage> => {
    const s = await openPostgresStorage({ url, clock, botId });
    open.push(s);
    return s;
  };
  const closeAll = async (): Promise<void> => {
    for (const s of open.splice(0)) await s.close();
  };
  const run = async (action: MaintenanceInput['action'], extra: Partial<MaintenanceInput> = {}) => {
    const r = await maintenanceCommand({ action, dbPath: join(tmp.dir, 'unused.db'), dbUrl: url, backupsDir: join(tmp.dir, 'backups'), clock, ...extra });
    expect(`${r.stdout}${r.stderr ?? ''}`).not.toContain(PASSWORD);
    return r;
  };

  it('status lists the schema and every bot of the database with its rows; integrity passes', async () => {
    const a = await bot('alpha');
    const b = await bot('beta');
    await a.orders.insert(anOrder({ clientOrderId: 'a-1' }));
    await a.orders.insert(anOrder({ clientOrderId: 'a-2' }));
    await b.positions.save(aPosition({ baseQty: dec('1') }));
    const status = await run('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/schema version\s+1\n/);
    expect(status.stdout).toMatch(/^alpha\s+2\s+0\s+0\s/m);
    expect(status.stdout).toMatch(/^beta\s+0\s+0\s+1\s/m);
    expect(status.stdout).toContain(`postgres://postgres:***@`);
    const js = JSON.parse((await run('status', { json: true })).stdout) as { bots: { botId: string; rows: Record<string, number> }[]; problems: string[] };
    expect(js.bots.map((x) => [x.botId, x.rows['orders'], x.rows['positions']])).toEqual([
      ['alpha', 2, 0],
      ['beta', 0, 1],
    ]);
    expect(js.problems).toEqual([]);
    const integrity = await run('integrity');
    expect([integrity.code, integrity.stdout]).toEqual([0, expect.stringMatching(/^integrity ok: .*schema version 1, checksums match/)]);
  });

  it('integrity and status fail when an applied migration no longer matches its file', async () => {
    await bot('alpha');
    const pool = createPostgresPool({ url, max: 1 });
    await pool.query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
    await pool.query('DROP TABLE halts');
    await pool.end();
    const integrity = await run('integrity');
    expect(integrity.code).toBe(1);
    expect(integrity.stdout).toMatch(/integrity FAILED/);
    expect(integrity.stdout).toMatch(/MIGRATION\.CHECKSUM_MISMATCH/);
    expect(integrity.stdout).toMatch(/table halts is missing/);
    expect((await run('status')).code).toBe(1);
  });

  it('backup, then restore brings every bot back to the backup; refused while a bot is connected or from a foreign file', async () => {
    const a = await bot('alpha');
    const b = await bot('beta');
    await a.orders.insert(anOrder({ clientOrderId: 'in-backup', requestedQuote: dec('12.345678901234567890123') }));
    await b.safety.saveHalt({ code: 'OPERATOR', level: 'halted', reason: 'beta halt', since: 1 });
    const backup = await run('backup');
    expect(backup.stdout).toMatch(/backup written: .*db-20261124-120000\.pgdump/);
    const file = backup.stdout.match(/backup written: (\S+)/)![1]!;
    expect((await run('list')).stdout).toContain('db-20261124-120000.pgdump');

    await a.orders.insert(anOrder({ clientOrderId: 'after-backup' }));
    await b.safety.removeHalt('OPERATOR');
    const busy = await run('restore', { file });
    expect([busy.code, busy.stdout]).toEqual([1, expect.stringMatching(/restore refused \(MAINTENANCE\.DB_IN_USE\).*stop every bot/s)]);
    await closeAll();

    const foreign = join(tmp.dir, 'not-a-dump.pgdump');
    writeFileSync(foreign, 'hello');
    expect((await run('restore', { file: foreign })).stdout).toMatch(/restore refused \(MAINTENANCE\.NOT_A_BACKUP\)/);

    clock.advance(1000);
    const restored = await run('restore', { file });
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/the previous database is saved at .*db-20261124-120001\.pgdump/);
    const a2 = await bot('alpha');
    const b2 = await bot('beta');
    expect((await a2.orders.find()).map((o) => [o.clientOrderId, o.requestedQuote?.toFixed()])).toEqual([['in-backup', '12.345678901234567890123']]);
    expect((await b2.safety.halts()).map((h) => h.reason)).toEqual(['beta halt']);
    expect((await run('integrity')).code).toBe(0);
  });

  it('vacuum is SQLite only, said as a usage error', async () => {
    await expect(run('vacuum')).rejects.toThrow(MaintenanceError);
    await expect(run('vacuum')).rejects.toThrow(/SQLite only: Postgres vacuums itself/);
  });

  it("hands pg_dump the password in its environment only, and none of the bot's own environment", () => {
    const env = libpqEnv('postgres://bot:p%40ss@db.example:6543/cab?sslmode=require');
    expect(env).toEqual({
      PGHOST: 'db.example',
      PGPORT: '6543',
      PGUSER: 'bot',
      PGPASSWORD: 'p@ss',
      PGDATABASE: 'cab',
      PGSSLMODE: 'require',
      PGAPPNAME: 'crypto-ai-bot maintenance',
    });
  });
});
