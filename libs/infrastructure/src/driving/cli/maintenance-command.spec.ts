import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '@cab/domain/testing';
import { MaintenanceError } from '../../driven/storage/maintenance/errors';
import { IntentLogFile, intentLogPath } from '../../driven/storage/sqlite/intent-log';
import { orderToRow } from '../../driven/storage/tables/orders-table';
import { INTENT_TTL_MS, intentOrder } from '../../../test/storage/intent-fixtures';
import { openTempStorage } from '../../testing';
import { maintenanceCommand, type MaintenanceInput } from './maintenance-command';

describe('maintenanceCommand over a real SQLite file', () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 24, 12));
  const storage = openTempStorage(clock);
  const backups = join(storage.dir, 'backups');
  const run = (action: MaintenanceInput['action'], extra: Partial<MaintenanceInput> = {}) =>
    maintenanceCommand({ action, dbPath: storage.dbPath, backupsDir: backups, clock, ...extra });
  afterAll(() => storage.dispose());

  it('list with no backups, then backup, list, rotate', async () => {
    expect((await run('list')).stdout).toMatch(/^no backups in /);
    const b = await run('backup');
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/backup written: .*db-20261124-120000\.sqlite3/);
    clock.advance(3 * 86_400_000);
    await run('backup');
    const list = await run('list');
    expect(list.stdout.split('\n')[0]).toMatch(/^file\s+taken \(UTC\)\s+size\s+age$/);
    expect(list.stdout).toContain('db-20261127-120000.sqlite3');
    expect(list.stdout).toContain('3.0 d');
    const rotated = await run('rotate', { days: 2 });
    expect(rotated.stdout).toContain('removed 1 backup(s) older than 2 days');
    expect(JSON.parse((await run('list', { json: true })).stdout)).toHaveLength(1);
  });

  it("backup folds a bot's intent log into the copy and says how many; a log that does not read back exits 1, naming it", async () => {
    const at = clock.now();
    const log = new IntentLogFile(intentLogPath(storage.dbPath, 'cli'), false);
    log.open();
    log.append({ at, ttlMs: INTENT_TTL_MS, row: orderToRow(intentOrder(1, at), 'cli') });
    log.close();
    const b = await run('backup');
    expect(b).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^backup written: .*db-\d{8}-\d{6}(-\d+)?\.sqlite3 \(.* KiB; 1 order\(s\) from the intent log folded in\)\n$/),
    });

    writeFileSync(intentLogPath(storage.dbPath, 'broken'), 'nope\n');
    const bad = await run('backup', { json: true });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      intentsFolded: 1,
      intentLogProblems: [expect.stringContaining('-intents-broken: line 1 is not an order intent')],
    });
    const text = await run('backup');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^backup written: .*\n {2}.*-intents-broken: line 1 is not an order intent.*\(its orders are not in this backup\)\n$/);
    rmSync(intentLogPath(storage.dbPath, 'broken'));
    rmSync(intentLogPath(storage.dbPath, 'cli'));
  });

  it('rotate without --days and restore without a file are the operator’s mistakes', async () => {
    await expect(run('rotate')).rejects.toThrow(MaintenanceError);
    await expect(run('restore')).rejects.toThrow(/restore needs the backup file/);
    await expect(run('restore', { file: join(storage.dir, 'nope.sqlite3') })).rejects.toThrow(/no backup file at/);
  });

  it('integrity, vacuum, status, migrate', async () => {
    expect(await run('integrity')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^integrity ok/) });
    expect((await run('vacuum')).stdout).toMatch(/^vacuumed .* KiB → .* KiB/);
    const status = await run('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/migrations\s+\d+ applied, 0 pending/);
    expect(status.stdout).toMatch(/problems\s+none/);
    expect((await run('migrate')).stdout).toMatch(/^up to date: schema version \d+/);
  });

  it('migrate creates and migrates a new database; status before it shows everything pending', async () => {
    const fresh = join(storage.dir, 'fresh.db');
    const before = JSON.parse((await run('status', { dbPath: fresh, json: true })).stdout);
    expect(before).toMatchObject({ exists: false, schemaVersion: 0 });
    expect(before.pending.length).toBeGreaterThan(0);
    expect(existsSync(fresh)).toBe(false);
    expect((await run('migrate', { dbPath: fresh })).stdout).toMatch(/^applied V0001/);
  });

  it('integrity of a file that is not a database fails with exit 1', async () => {
    const junk = join(storage.dir, 'junk.db');
    writeFileSync(junk, 'not sqlite at all, just text that is long enough to look like a header');
    const r = await run('integrity', { dbPath: junk });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('integrity FAILED');
  });

  it('restore puts a backup back and keeps a safety copy of the current database', async () => {
    const b = await run('backup', { json: true });
    const path = JSON.parse(b.stdout).path as string;
    // The bot (here: the spec's storage) has the database open: refused, with the reason.
    const busy = await run('restore', { file: path });
    expect(busy.code).toBe(1);
    expect(busy.stdout + busy.stderr).toContain('MAINTENANCE.DB_IN_USE');
    expect(busy.stdout + busy.stderr).toContain('is the bot running?');
    await storage.close();
    const empty = join(storage.dir, 'empty.sqlite3');
    writeFileSync(empty, '');
    const refused = await run('restore', { file: empty });
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain(`restore refused (MAINTENANCE.NOT_A_BACKUP):\n  ${empty} is empty (0 bytes): not a backup`);
    const r = await run('restore', { file: path });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restored .* from .*\nthe previous database is saved at .*db-.*\.sqlite3/);
  });

  it('a missing database is a MaintenanceError, not a crash', async () => {
    await expect(run('backup', { dbPath: join(storage.dir, 'missing.db') })).rejects.toThrow(/MAINTENANCE.DB_NOT_FOUND/);
  });
});
