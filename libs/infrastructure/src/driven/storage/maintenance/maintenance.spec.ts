import Database from 'better-sqlite3';
import { dec } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { openTempStorage, tempDir } from '@cab/infrastructure/testing';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { anOrder, aFill, assertWholeTrades, captureStderr, forkTs, killChildren, nextMessage, waitExit } from '../../../../test/storage/fixtures';
import { openSqliteStorage } from '../sqlite-storage';
import { backupDatabase } from './backup';
import { backupFileName, listBackups, parseBackupFileName } from './backup-files';
import { checkIntegrity } from './integrity';
import { restoreDatabase } from './restore';
import { rotateBackups } from './rotate';
import { vacuumDatabase } from './vacuum';

jest.setTimeout(60_000);

const T0 = Date.UTC(2026, 10, 24, 3, 4, 5); // 2026-11-24 03:04:05 UTC
const DAY = 86_400_000;
const committed =
  (n: number) =>
  (m: unknown): m is { committed: number } =>
    typeof m === 'object' && m !== null && 'committed' in m && (m as { committed: number }).committed >= n;

function ordersIn(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT client_order_id FROM orders ORDER BY 1').all() as { client_order_id: string }[]).map((r) => r.client_order_id);
  } finally {
    db.close();
  }
}

describe('maintenance (real files)', () => {
  let clock: FakeClock;
  let s: ReturnType<typeof openTempStorage>;
  let backups: string;

  beforeEach(() => {
    clock = new FakeClock(T0);
    s = openTempStorage(clock);
    backups = join(s.dir, 'backups');
  });
  afterEach(async () => {
    await killChildren();
    await s.dispose();
  });

  it('names backups db-YYYYmmdd-HHMMSS.sqlite3 in UTC and reads the time back', () => {
    expect(backupFileName(T0)).toBe('db-20261124-030405.sqlite3');
    expect(backupFileName(T0, 2)).toBe('db-20261124-030405-2.sqlite3');
    expect(parseBackupFileName('db-20261124-030405-2.sqlite3')).toBe(T0);
    expect(parseBackupFileName('db-20261124-030405.sqlite3.partial')).toBeNull();
    expect(parseBackupFileName('notes.txt')).toBeNull();
  });

  it('backs up to a self-contained file that opens with the same data', async () => {
    await s.orders.insert(anOrder({ clientOrderId: 'cab-1', requestedQuote: dec('12.345') }));
    const b = await backupDatabase(s.dbPath, backups, clock);
    expect(b.path).toBe(join(backups, 'db-20261124-030405.sqlite3'));
    expect(b.bytes).toBe(statSync(b.path).size);
    expect(b.bytes).toBeGreaterThan(0);
    expect(readdirSync(backups)).toEqual(['db-20261124-030405.sqlite3']); // no -wal, no .partial
    const copy = new Database(b.path, { readonly: true });
    try {
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(copy.prepare('SELECT requested_quote FROM orders').get()).toEqual({ requested_quote: '12.345' });
    } finally {
      copy.close();
    }
    const second = await backupDatabase(s.dbPath, backups, clock);
    expect(second.path).toBe(join(backups, 'db-20261124-030405-2.sqlite3'));
    await expect(backupDatabase(join(s.dir, 'missing.db'), backups, clock)).rejects.toThrow(/MAINTENANCE\.DB_NOT_FOUND/);
  });

  it('takes a consistent backup while another process keeps writing', async () => {
    await s.close(); // the writer child owns the database now; we only read it through the backup API
    const writer = forkTs('writer.ts', [s.dbPath, 'loop']);
    const stderr = captureStderr(writer);
    await nextMessage(writer, committed(5), stderr);
    const taken = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      taken.push(await backupDatabase(s.dbPath, backups, clock));
    }
    expect(writer.exitCode).toBeNull(); // it was writing the whole time
    writer.kill('SIGKILL');
    await waitExit(writer);

    let previous = 0;
    for (const b of taken) {
      expect(checkIntegrity(b.path)).toEqual({ ok: true, problems: [] });
      const copy = new Database(b.path, { readonly: true });
      try {
        const { orders } = assertWholeTrades(copy);
        expect(orders).toBeGreaterThanOrEqual(previous);
        previous = orders;
      } finally {
        copy.close();
      }
    }
    expect(previous).toBeGreaterThan(0);
  });

  it('lists backups newest first with size and age, and rotates by the time in their name', async () => {
    const stamps = [T0 - 10 * DAY, T0 - 8 * DAY, T0 - 2 * DAY, T0];
    for (const t of stamps) await backupDatabase(s.dbPath, backups, clock.set(t));
    writeFileSync(join(backups, 'README.txt'), 'not a backup');
    clock.set(T0 + 30_000);
    const listed = listBackups(backups, clock);
    expect(listed.map((b) => [b.file, b.ageSec])).toEqual([
      ['db-20261124-030405.sqlite3', 30],
      ['db-20261122-030405.sqlite3', 2 * 86_400 + 30],
      ['db-20261116-030405.sqlite3', 8 * 86_400 + 30],
      ['db-20261114-030405.sqlite3', 10 * 86_400 + 30],
    ]);
    for (const b of listed) expect(b.bytes).toBe(statSync(b.path).size);

    expect(rotateBackups(backups, 7, clock)).toEqual(['db-20261116-030405.sqlite3', 'db-20261114-030405.sqlite3']);
    expect(listBackups(backups, clock).map((b) => b.file)).toEqual(['db-20261124-030405.sqlite3', 'db-20261122-030405.sqlite3']);
    expect(existsSync(join(backups, 'README.txt'))).toBe(true);

    // The newest backup survives however old it is.
    clock.set(T0 + 100 * DAY);
    expect(rotateBackups(backups, 1, clock)).toEqual(['db-20261122-030405.sqlite3']);
    expect(rotateBackups(backups, 1, clock, { keepAtLeast: 0 })).toEqual(['db-20261124-030405.sqlite3']);
    expect(listBackups(join(s.dir, 'none'), clock)).toEqual([]);
    expect(() => rotateBackups(backups, -1, clock)).toThrow(/MAINTENANCE\.BAD_ARGUMENT/);
  });

  it('vacuums and optimizes', async () => {
    await s.candles.upsert(
      { exchange: 'gate', symbol: 'BTC/USDT', timeframe: '1m' },
      Array.from({ length: 3000 }, (_, i) => ({ ts: i * 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 })),
    );
    s.connection.raw.exec('DELETE FROM market_data');
    s.connection.raw.pragma('wal_checkpoint(TRUNCATE)');
    const r = vacuumDatabase(s.dbPath);
    expect(r.bytesAfter).toBeLessThan(r.bytesBefore);
    expect(checkIntegrity(s.dbPath).ok).toBe(true);
  });

  it('integrity reports broken foreign keys and files that are not databases', async () => {
    expect(checkIntegrity(s.dbPath)).toEqual({ ok: true, problems: [] });
    await s.orders.insert(anOrder({ clientOrderId: 'cab-1' }));
    await s.fills.insertMany([aFill({ clientOrderId: 'cab-1' })]);
    s.connection.raw.pragma('foreign_keys = OFF');
    s.connection.raw.exec("DELETE FROM orders WHERE client_order_id = 'cab-1'");
    const fk = checkIntegrity(s.dbPath);
    expect(fk.ok).toBe(false);
    expect(fk.problems).toEqual([expect.stringMatching(/^foreign_key_check: fills row \d+ points to a missing orders row/)]);

    const junk = join(s.dir, 'junk.sqlite3');
    writeFileSync(junk, 'this is not a database, just text that is long enough to look like a header');
    expect(checkIntegrity(junk)).toEqual({ ok: false, problems: [expect.stringMatching(/cannot check .*junk\.sqlite3: file is not a database/)] });
    expect(checkIntegrity(join(s.dir, 'missing.db')).ok).toBe(false);
  });

  it('integrity finds a corrupted page', async () => {
    await s.candles.upsert(
      { exchange: 'gate', symbol: 'BTC/USDT', timeframe: '1m' },
      Array.from({ length: 2000 }, (_, i) => ({ ts: i * 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 })),
    );
    const b = await backupDatabase(s.dbPath, backups, clock);
    const broken = join(s.dir, 'broken.sqlite3');
    copyFileSync(b.path, broken);
    // Overwrite the middle of the file (index and table pages) with garbage, keeping the header.
    const fd = openSync(broken, 'r+');
    const size = statSync(broken).size;
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const r = checkIntegrity(broken);
    expect(r.ok).toBe(false);
    expect(r.problems.length).toBeGreaterThan(0);
  });

  it('restores a good backup after saving a safety copy of the current database', async () => {
    await s.orders.insert(anOrder({ clientOrderId: 'before-backup' }));
    const b = await backupDatabase(s.dbPath, backups, clock);
    await s.orders.insert(anOrder({ clientOrderId: 'after-backup' }));
    await s.close();

    clock.advance(60_000);
    const r = await restoreDatabase(b.path, s.dbPath, { clock });
    expect(r).toEqual({ ok: true, restoredFrom: b.path, dbPath: s.dbPath, safetyCopy: join(backups, 'db-20261124-030505.sqlite3') });

    const reopened = openSqliteStorage({ path: s.dbPath, clock });
    try {
      expect((await reopened.orders.find()).map((o) => o.clientOrderId)).toEqual(['before-backup']);
      expect(reopened.migrations.applied).toEqual([]);
    } finally {
      await reopened.close();
    }
    // The safety copy holds what was there before the restore.
    const safety = new Database(r.ok ? (r.safetyCopy ?? '') : '', { readonly: true });
    try {
      expect(safety.prepare('SELECT client_order_id FROM orders ORDER BY 1').all()).toEqual([
        { client_order_id: 'after-backup' },
        { client_order_id: 'before-backup' },
      ]);
    } finally {
      safety.close();
    }
  });

  it('restores over a database a crashed process left with a -wal file, without replaying it', async () => {
    await s.orders.insert(anOrder({ clientOrderId: 'in-backup' }));
    const b = await backupDatabase(s.dbPath, backups, clock);
    await s.close();
    const writer = forkTs('writer.ts', [s.dbPath, 'loop']);
    const stderr = captureStderr(writer);
    await nextMessage(writer, committed(5), stderr);
    writer.kill('SIGKILL'); // no clean close: its last transactions are only in bot.db-wal
    await waitExit(writer);
    expect(existsSync(`${s.dbPath}-wal`)).toBe(true);

    clock.advance(1000);
    const r = await restoreDatabase(b.path, s.dbPath, { clock });
    expect(r.ok).toBe(true);
    const db = new Database(s.dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT client_order_id FROM orders').all()).toEqual([{ client_order_id: 'in-backup' }]);
      expect(db.prepare('SELECT count(*) n FROM fills').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    // The safety copy kept the crashed process's committed trades, WAL included.
    const safety = new Database(r.ok && r.safetyCopy ? r.safetyCopy : '', { readonly: true });
    try {
      const n = (q: string): number => (safety.prepare(q).get() as { n: number }).n;
      expect(n("SELECT count(*) n FROM orders WHERE client_order_id LIKE 'w-%'")).toBeGreaterThanOrEqual(5);
      expect(n('SELECT count(*) n FROM fills')).toBe(5 * n("SELECT count(*) n FROM orders WHERE client_order_id LIKE 'w-%'"));
    } finally {
      safety.close();
    }
  });

  it('refuses to restore a corrupt backup and leaves the database untouched', async () => {
    await s.orders.insert(anOrder({ clientOrderId: 'keep-me' }));
    const junk = join(backups, 'db-20200101-000000.sqlite3');
    mkdirSync(backups, { recursive: true });
    writeFileSync(junk, 'garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage');
    await s.close();
    const r = await restoreDatabase(junk, s.dbPath, { clock });
    expect(r).toEqual({ ok: false, code: 'MAINTENANCE.NOT_A_BACKUP', problems: [`${junk} is not a SQLite database`], safetyCopy: null });
    expect(ordersIn(s.dbPath)).toEqual(['keep-me']);
  });

  it('refuses a 0-byte file and a SQLite file that is not ours: the database keeps its data', async () => {
    await s.orders.insert(anOrder({ clientOrderId: 'keep-me' }));
    await s.close();
    mkdirSync(backups, { recursive: true });
    const empty = join(backups, 'db-20200101-000000.sqlite3');
    writeFileSync(empty, '');
    expect(await restoreDatabase(empty, s.dbPath, { clock })).toEqual({
      ok: false,
      code: 'MAINTENANCE.NOT_A_BACKUP',
      problems: [`${empty} is empty (0 bytes): not a backup`],
      safetyCopy: null,
    });
    const foreign = join(backups, 'notes.sqlite3');
    const other = new Database(foreign);
    other.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('groceries')");
    other.close();
    expect(await restoreDatabase(foreign, s.dbPath, { clock })).toEqual({
      ok: false,
      code: 'MAINTENANCE.NOT_A_BACKUP',
      problems: [`${foreign} is a SQLite database but not one of this bot's (no schema_migrations table)`],
      safetyCopy: null,
    });
    expect(ordersIn(s.dbPath)).toEqual(['keep-me']);
    expect(readdirSync(backups).sort()).toEqual(['db-20200101-000000.sqlite3', 'notes.sqlite3']); // no safety copy either
  });

  it('refuses while the database is open elsewhere (a bot idle in this process, one writing in another), then restores', async () => {
    await s.orders.insert(anOrder({ clientOrderId: 'in-backup' }));
    const b = await backupDatabase(s.dbPath, backups, clock);
    await s.orders.insert(anOrder({ clientOrderId: 'after-backup' }));
    const inUse = {
      ok: false,
      code: 'MAINTENANCE.DB_IN_USE',
      problems: [`${s.dbPath} is open in another process (is the bot running?): stop it first, then restore`],
      safetyCopy: null,
    };
    expect(await restoreDatabase(b.path, s.dbPath, { clock })).toEqual(inUse);
    await s.close();

    const writer = forkTs('writer.ts', [s.dbPath, 'loop']);
    await nextMessage(writer, committed(1), captureStderr(writer));
    expect(await restoreDatabase(b.path, s.dbPath, { clock })).toEqual(inUse);
    writer.kill('SIGKILL');
    await waitExit(writer);
    expect(readdirSync(backups)).toEqual([b.path.split('/').pop()]);

    clock.advance(1000);
    expect(await restoreDatabase(b.path, s.dbPath, { clock })).toMatchObject({ ok: true });
    expect(ordersIn(s.dbPath)).toEqual(['in-backup']);
  });

  it('restores into an empty folder (no current database, no safety copy)', async () => {
    const b = await backupDatabase(s.dbPath, backups, clock);
    const elsewhere = tempDir('cab-restore-');
    try {
      const target = join(elsewhere.dir, 'new.db');
      expect(await restoreDatabase(b.path, target, { clock })).toEqual({ ok: true, restoredFrom: b.path, dbPath: target, safetyCopy: null });
      expect(checkIntegrity(target).ok).toBe(true);
    } finally {
      elsewhere.cleanup();
    }
  });
});
