import type { OrderRecord } from '@cab/application';
import { dec, str } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { tempDir } from '@cab/infrastructure/testing';
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { anOrder, captureStderr, forkTs, killChildren, waitExit } from '../../../../test/storage/fixtures';
import { INTENT_TTL_MS, intentOrder, intentRow } from '../../../../test/storage/intent-fixtures';
import { backupDatabase } from '../maintenance/backup';
import { openSqliteStorage, type SqliteStorage, type SqliteStorageOptions } from '../sqlite-storage';
import type { SynchronousMode } from './connection';
import { IntentLogFile } from './intent-log';
import type { SqliteWriteAhead } from './sqlite-write-ahead';

// The write-ahead through the order intent log (docs/core.md, "The write-ahead"): real files, real
// SQLite, real child processes killed with SIGKILL. A generous ceiling for forked tsx children on a
// loaded machine; nothing here measures time.
jest.setTimeout(180_000);

const AT = 1_700_000_000_000;
const TTL = INTENT_TTL_MS;
const FOLDED = '{"folded":true}';

describe('SqliteWriteAhead with the order intent log', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dbPath: string;
  let logPath: string;
  const open: SqliteStorage[] = [];

  beforeEach(() => {
    tmp = tempDir('cab-intent-wa-');
    dbPath = join(tmp.dir, 'bot.db');
    logPath = `${dbPath}-intents-default`;
  });
  afterEach(async () => {
    await killChildren();
    for (const s of open.splice(0)) if (s.connection.raw.open) await s.close().catch(() => undefined);
    tmp.cleanup();
  });

  function openStore(clock: FakeClock, options: Partial<SqliteStorageOptions> = {}): SqliteStorage {
    const s = openSqliteStorage({ path: dbPath, clock, intentLog: true, ...options });
    open.push(s);
    return s;
  }
  const aheadOf = (s: SqliteStorage): SqliteWriteAhead => s.writeAhead as SqliteWriteAhead;
  const now = (s: SqliteStorage, o: OrderRecord, ttl = TTL) => s.writeAhead.writeAheadNow!(o, ttl);
  /** What SQLite itself holds, read on a connection of its own (no fold hook on it). */
  function inSqlite<T>(read: (db: Database.Database) => T): T {
    const db = new Database(dbPath);
    try {
      return read(db);
    } finally {
      db.close();
    }
  }
  const orderRows = (): unknown[] => inSqlite((db) => db.prepare('SELECT * FROM orders ORDER BY client_order_id').all());
  const keyRows = (): unknown[] => inSqlite((db) => db.prepare('SELECT bot_id, key, ref, created_at, expires_at FROM idempotency_keys ORDER BY key').all());
  const logLines = (): string[] =>
    readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  const keyRow = (i: number, at = AT) => ({ bot_id: 'default', key: `BTC/USDT:buy:${i}`, ref: `iw-${i}`, created_at: at, expires_at: at + TTL });

  describe('a trading process killed with SIGKILL (a real child process)', () => {
    const N = 7;

    async function runChild(sync: SynchronousMode, mode: 'before-fold' | 'after-fold'): Promise<void> {
      const child = forkTs('intent-writer.ts', [dbPath, String(N), String(AT), sync, mode]);
      const stderr = captureStderr(child);
      const exit = await waitExit(child);
      // Died by its own SIGKILL at the chosen moment, not by an error (its stderr says which).
      expect({ ...exit, stderr: exit.signal === 'SIGKILL' ? '' : stderr() }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
    }

    it.each<SynchronousMode>(['FULL', 'NORMAL'])(
      'DB_SYNCHRONOUS=%s, right after its write-aheads (no fold ran): the reopen folds every row and key from the log, once',
      async (sync) => {
        await runChild(sync, 'before-fold');
        // Only the log holds them: SQLite has no order, the log one line per intent and no folded mark.
        expect(orderRows()).toEqual([]);
        expect(keyRows()).toEqual([]);
        expect(logLines()).toHaveLength(N);
        expect(logLines()).not.toContain(FOLDED);

        const s = openStore(new FakeClock(AT + 1_000), { synchronous: sync });
        expect(s.intentLog).toEqual({ path: logPath, replayed: N, torn: null });
        const ids = Array.from({ length: N }, (_, i) => i);
        // Every field as written, money as the exact decimal text; each key as of its intent's time.
        expect(orderRows()).toEqual(ids.map((i) => intentRow(i, AT)));
        expect(keyRows()).toEqual(ids.map((i) => keyRow(i)));
        expect(statSync(logPath).size).toBe(0);
        // The refusals know them (read from SQLite at open): the keys are live, the ids taken.
        expect(now(s, { ...intentOrder(N, AT), idempotencyKey: 'BTC/USDT:buy:0' })).toEqual({ ok: false, code: 'IDEMPOTENCY.TAKEN' });
        expect(now(s, { ...intentOrder(3, AT), idempotencyKey: 'fresh' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
        await s.close();

        const again = openStore(new FakeClock(AT + 2_000), { synchronous: sync });
        expect(again.intentLog).toEqual({ path: logPath, replayed: 0, torn: null });
        expect(orderRows()).toHaveLength(N);
      },
    );

    it.each<SynchronousMode>(['FULL', 'NORMAL'])(
      'DB_SYNCHRONOUS=%s, after a fold committed and before its mark: the replay folds the same intents again, changing nothing',
      async (sync) => {
        await runChild(sync, 'after-fold');
        const ids = Array.from({ length: N }, (_, i) => i);
        // The fold's transaction committed, and the log still holds every intent with no mark after them.
        expect(orderRows()).toEqual(ids.map((i) => intentRow(i, AT)));
        expect(keyRows()).toEqual(ids.map((i) => keyRow(i)));
        expect(logLines()).toHaveLength(N);
        expect(logLines()).not.toContain(FOLDED);

        const s = openStore(new FakeClock(AT + 1_000), { synchronous: sync });
        expect(s.intentLog).toEqual({ path: logPath, replayed: N, torn: null });
        expect(orderRows()).toEqual(ids.map((i) => intentRow(i, AT)));
        // Not reserved again as of the reopen's time: the keys keep their first reservation.
        expect(keyRows()).toEqual(ids.map((i) => keyRow(i)));
        expect(statSync(logPath).size).toBe(0);
      },
    );
  });

  describe('a backup of the database of a trading process killed with SIGKILL (maintenance/backup.ts)', () => {
    const N = 5;
    it('holds the orders and keys only its intent log had, leaves the log as it was, and lists a log it cannot read', async () => {
      const child = forkTs('intent-writer.ts', [dbPath, String(N), String(AT), 'NORMAL', 'before-fold']);
      const stderr = captureStderr(child);
      const exit = await waitExit(child);
      expect({ ...exit, stderr: exit.signal === 'SIGKILL' ? '' : stderr() }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
      expect(orderRows()).toEqual([]);
      const logBefore = readFileSync(logPath, 'utf8');
      // Another bot on the same file with a log that does not read back, and a lock file (not a log).
      writeFileSync(`${dbPath}-intents-other`, 'not an intent\n');
      writeFileSync(`${logPath}.lock`, '{}');

      const b = await backupDatabase(dbPath, join(tmp.dir, 'backups'), new FakeClock(AT + 1_000));
      const ids = Array.from({ length: N }, (_, i) => i);
      expect(b.intentsFolded).toBe(N);
      expect(b.intentLogProblems).toEqual([
        `${dbPath}-intents-other: line 1 is not an order intent; move the file aside to start (its orders are then unknown to the bot) (its orders are not in this backup)`,
      ]);
      const copy = new Database(b.path, { readonly: true });
      try {
        expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
        expect(copy.prepare('SELECT * FROM orders ORDER BY client_order_id').all()).toEqual(ids.map((i) => intentRow(i, AT)));
        expect(copy.prepare('SELECT bot_id, key, ref, created_at, expires_at FROM idempotency_keys ORDER BY key').all()).toEqual(ids.map((i) => keyRow(i)));
      } finally {
        copy.close();
      }
      expect(existsSync(`${b.path}-wal`)).toBe(false);
      // Read, not changed: the database and the log are as the killed process left them; its next start folds them.
      expect(orderRows()).toEqual([]);
      expect(readFileSync(logPath, 'utf8')).toBe(logBefore);
      const s = openStore(new FakeClock(AT + 2_000));
      expect(s.intentLog).toEqual({ path: logPath, replayed: N, torn: null });
      await s.close();

      // Once folded, a backup finds nothing more to fold (the same rows are not counted twice).
      const again = await backupDatabase(dbPath, join(tmp.dir, 'backups'), new FakeClock(AT + 3_000));
      expect(again.intentsFolded).toBe(0);
    });
  });

  describe('what the rest of the store sees', () => {
    it('the row and key are readable by any kysely read right after the write-ahead: the read folds first', async () => {
      const s = openStore(new FakeClock(AT));
      expect(now(s, intentOrder(0, AT))).toEqual({ ok: true });
      // Only in the log yet.
      expect(aheadOf(s).waiting()).toBe(1);
      expect(orderRows()).toEqual([]);
      expect(logLines()).toEqual([JSON.stringify({ at: AT, ttlMs: TTL, row: intentRow(0, AT) })]);

      // A read of another table folds it as well.
      expect(await s.safety.halts()).toEqual([]);
      expect(aheadOf(s).waiting()).toBe(0);
      expect(orderRows()).toEqual([intentRow(0, AT)]);
      expect(logLines()).toEqual([JSON.stringify({ at: AT, ttlMs: TTL, row: intentRow(0, AT) }), FOLDED]);

      expect(now(s, intentOrder(1, AT))).toEqual({ ok: true });
      const read = await s.orders.byClientOrderId('iw-1');
      expect(read && { ...read, requestedQuote: str(read.requestedQuote!) }).toMatchObject({
        clientOrderId: 'iw-1',
        status: 'new',
        requestedQuote: '101.123456789012345678',
      });
      expect(await s.idempotency.get('BTC/USDT:buy:1')).toEqual({ key: 'BTC/USDT:buy:1', ref: 'iw-1', createdAt: AT, expiresAt: AT + TTL });
    });

    it('a fold that finds the row there already (another process wrote it after the write-ahead) leaves it as found and says so', async () => {
      const conflicts: string[][] = [];
      const s = openStore(new FakeClock(AT), { onIntentConflict: (ids) => conflicts.push([...ids]) });
      expect(now(s, intentOrder(0, AT))).toEqual({ ok: true });
      expect(now(s, intentOrder(1, AT))).toEqual({ ok: true });
      // A second process under the same BOT_ID writes iw-1 between the write-ahead and the fold.
      inSqlite((db) =>
        db
          .prepare(
            'INSERT INTO orders (bot_id, client_order_id, exchange, symbol, side, type, status, filled_base, filled_quote, fee, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
          )
          .run('default', 'iw-1', 'paper', 'BTC/USDT', 'buy', 'market', 'filled', '1', '1', '0', AT, AT),
      );
      expect(await s.safety.halts()).toEqual([]);
      expect(conflicts).toEqual([['iw-1']]);
      expect((await s.orders.byClientOrderId('iw-1'))?.status).toBe('filled');
      expect((await s.orders.byClientOrderId('iw-0'))?.status).toBe('new');
    });

    it('a replay at open that finds rows folded before the crash says nothing: that is the crash path', async () => {
      const conflicts: string[][] = [];
      const s = openStore(new FakeClock(AT));
      expect(now(s, intentOrder(0, AT))).toEqual({ ok: true });
      await s.safety.halts();
      await s.close();
      // The fold committed but its mark was lost: the log holds the intent again.
      const log = new IntentLogFile(logPath, false);
      log.open();
      log.append({ at: AT, ttlMs: TTL, row: intentRow(0, AT) as never });
      log.close();
      const again = openStore(new FakeClock(AT), { onIntentConflict: (ids) => conflicts.push([...ids]) });
      expect(again.intentLog?.replayed).toBe(1);
      expect(conflicts).toEqual([]);
    });

    it("a Persist's update of a just-written order finds it, through the repository and in a unit of work", async () => {
      const s = openStore(new FakeClock(AT));
      expect(now(s, intentOrder(0, AT))).toEqual({ ok: true });
      const patch = { status: 'filled' as const, exchangeOrderId: 'x-0', filledBase: dec('0.002'), filledQuote: dec('100.002'), updatedAt: AT + 5 };
      expect(await s.orders.update('iw-0', patch)).toMatchObject({ clientOrderId: 'iw-0', status: 'filled', exchangeOrderId: 'x-0' });

      expect(now(s, intentOrder(1, AT))).toEqual({ ok: true });
      const updated = await s.unitOfWork.run((tx) => tx.orders.update('iw-1', { ...patch, exchangeOrderId: 'x-1' }));
      expect(updated).toMatchObject({ clientOrderId: 'iw-1', status: 'filled' });
      expect(inSqlite((db) => db.prepare('SELECT client_order_id, status, exchange_order_id FROM orders ORDER BY 1').all())).toEqual([
        { client_order_id: 'iw-0', status: 'filled', exchange_order_id: 'x-0' },
        { client_order_id: 'iw-1', status: 'filled', exchange_order_id: 'x-1' },
      ]);
    });

    it('with no statement after it, the fold runs by itself on a later turn and marks the log', async () => {
      const s = openStore(new FakeClock(AT));
      expect(now(s, intentOrder(0, AT))).toEqual({ ok: true });
      while (aheadOf(s).waiting() > 0) await new Promise((r) => setImmediate(r));
      expect(orderRows()).toEqual([intentRow(0, AT)]);
      expect(logLines().at(-1)).toBe(FOLDED);
    });

    it('a write-ahead while a unit of work holds the connection waits in the log; the next statement after the commit folds it', async () => {
      const s = openStore(new FakeClock(AT));
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let inside!: () => void;
      const entered = new Promise<void>((r) => (inside = r));
      const uow = s.unitOfWork.run(async (tx) => {
        await tx.orders.insert(anOrder({ clientOrderId: 'uow-1' }));
        inside();
        await held;
      });
      await entered;
      expect(s.connection.raw.inTransaction).toBe(true);
      // The row inserted inside the open transaction is known already: its id is refused.
      expect(now(s, { ...intentOrder(0, AT), clientOrderId: 'uow-1' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
      expect(now(s, intentOrder(0, AT))).toEqual({ ok: true });
      // The scheduled fold finds the transaction open and leaves the intent waiting.
      await new Promise((r) => setImmediate(r));
      expect(aheadOf(s).waiting()).toBe(1);
      release();
      await uow;
      expect((await s.orders.byClientOrderId('iw-0'))?.status).toBe('new');
      expect(
        inSqlite((db) => db.prepare('SELECT client_order_id FROM orders ORDER BY 1').all()).map((r) => (r as { client_order_id: string }).client_order_id),
      ).toEqual(['iw-0', 'uow-1']);
    });
  });

  describe('refusals, decided in memory before the append', () => {
    it('a live key or a client id written ahead and not yet folded: refused, nothing appended, the refused key not taken', async () => {
      const s = openStore(new FakeClock(AT));
      expect(now(s, intentOrder(0, AT))).toEqual({ ok: true });
      const bytes = statSync(logPath).size;
      expect(now(s, { ...intentOrder(1, AT), idempotencyKey: 'BTC/USDT:buy:0' })).toEqual({ ok: false, code: 'IDEMPOTENCY.TAKEN' });
      expect(now(s, { ...intentOrder(0, AT), idempotencyKey: 'other' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
      // The async port refuses the same.
      await expect(s.writeAhead.writeAhead({ ...intentOrder(2, AT), idempotencyKey: 'BTC/USDT:buy:0' }, TTL)).resolves.toEqual({
        ok: false,
        code: 'IDEMPOTENCY.TAKEN',
      });
      expect(aheadOf(s).waiting()).toBe(1);
      expect(statSync(logPath).size).toBe(bytes);
      // A refused order reserved nothing: its key is free for another order.
      expect(now(s, { ...intentOrder(1, AT), idempotencyKey: 'other' })).toEqual({ ok: true });
      await s.safety.halts();
      expect(keyRows()).toEqual([keyRow(0), { ...keyRow(1), key: 'other' }]);
    });

    it('a key whose TTL has passed is taken over: its reservation follows the new intent', async () => {
      const clock = new FakeClock(AT);
      const s = openStore(clock);
      expect(now(s, intentOrder(0, AT), 1_000)).toEqual({ ok: true });
      clock.advance(999);
      expect(now(s, { ...intentOrder(1, AT), idempotencyKey: 'BTC/USDT:buy:0' }, 1_000)).toEqual({ ok: false, code: 'IDEMPOTENCY.TAKEN' });
      clock.advance(1);
      // Still not folded: the first reservation and the take-over go into SQLite in one fold, in order.
      expect(now(s, { ...intentOrder(1, AT), idempotencyKey: 'BTC/USDT:buy:0' }, 1_000)).toEqual({ ok: true });
      expect(aheadOf(s).waiting()).toBe(2);
      await s.safety.halts();
      expect(keyRows()).toEqual([{ bot_id: 'default', key: 'BTC/USDT:buy:0', ref: 'iw-1', created_at: AT + 1_000, expires_at: AT + 2_000 }]);
      expect(orderRows()).toHaveLength(2);
    });

    it('rows written by the repositories (orders.insert, a unit of work, an update with an exchange id) refuse a write-ahead with their ids', async () => {
      const s = openStore(new FakeClock(AT));
      expect(await s.orders.insert(anOrder({ clientOrderId: 'rep-1', exchangeOrderId: 'x-rep' }))).toEqual({ ok: true });
      await s.unitOfWork.run(async (tx) => {
        await tx.orders.insert(anOrder({ clientOrderId: 'uow-1' }));
      });
      expect(now(s, intentOrder(5, AT))).toEqual({ ok: true });
      await s.orders.update('iw-5', { exchangeOrderId: 'x-upd', status: 'submitted', updatedAt: AT });

      expect(now(s, { ...intentOrder(0, AT), clientOrderId: 'rep-1' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
      expect(now(s, { ...intentOrder(0, AT), exchangeOrderId: 'x-rep' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
      expect(now(s, { ...intentOrder(0, AT), clientOrderId: 'uow-1' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
      expect(now(s, { ...intentOrder(0, AT), exchangeOrderId: 'x-upd' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
      // The same exchange order id on another venue is another order.
      expect(now(s, { ...intentOrder(0, AT), exchange: 'gate', exchangeOrderId: 'x-rep' })).toEqual({ ok: true });
    });

    it('a key reserved through the idempotency store refuses a write-ahead; its release frees the key (also one written ahead)', async () => {
      const s = openStore(new FakeClock(AT));
      expect(await s.idempotency.reserve('k-1', TTL, 'elsewhere')).toMatchObject({ ok: true });
      expect(now(s, { ...intentOrder(0, AT), idempotencyKey: 'k-1' })).toEqual({ ok: false, code: 'IDEMPOTENCY.TAKEN' });
      expect(await s.idempotency.release('k-1')).toBe(true);
      expect(now(s, { ...intentOrder(0, AT), idempotencyKey: 'k-1' })).toEqual({ ok: true });

      // A key still waiting in the log: the release folds it first, then deletes it.
      expect(await s.idempotency.release('k-1')).toBe(true);
      expect(now(s, { ...intentOrder(1, AT), idempotencyKey: 'k-1' })).toEqual({ ok: true });
      await s.safety.halts();
      expect(keyRows()).toEqual([{ bot_id: 'default', key: 'k-1', ref: 'iw-1', created_at: AT, expires_at: AT + TTL }]);
    });

    it('a release inside a unit of work that rolls back frees nothing: the key, still held in SQLite, is still refused', async () => {
      const s = openStore(new FakeClock(AT));
      expect(await s.idempotency.reserve('k-1', TTL, 'elsewhere')).toMatchObject({ ok: true });
      await expect(
        s.unitOfWork.run(async (tx) => {
          expect(await tx.idempotency.release('k-1')).toBe(true);
          // While the transaction is open its release may still roll back: refused.
          expect(now(s, { ...intentOrder(9, AT), idempotencyKey: 'k-1' })).toEqual({ ok: false, code: 'IDEMPOTENCY.TAKEN' });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await s.idempotency.get('k-1')).toMatchObject({ ref: 'elsewhere' });
      // As the transaction would decide it: a live key is taken. Sending here would reuse a key SQLite still holds.
      expect(now(s, { ...intentOrder(0, AT), idempotencyKey: 'k-1' })).toEqual({ ok: false, code: 'IDEMPOTENCY.TAKEN' });

      // Committed, the release frees it.
      await s.unitOfWork.run(async (tx) => {
        expect(await tx.idempotency.release('k-1')).toBe(true);
      });
      expect(now(s, { ...intentOrder(0, AT), idempotencyKey: 'k-1' })).toEqual({ ok: true });
    });

    it('orders and keys written before this start (by a process without the log) are refused after the open', async () => {
      const clock = new FakeClock(AT);
      const cli = openSqliteStorage({ path: dbPath, clock });
      expect(await cli.orders.insert(anOrder({ clientOrderId: 'old-1', exchangeOrderId: 'x-old' }))).toEqual({ ok: true });
      expect(await cli.idempotency.reserve('k-old', TTL, 'old-1')).toMatchObject({ ok: true });
      expect(await cli.idempotency.reserve('k-expired', 10, 'old-1')).toMatchObject({ ok: true });
      await cli.close();

      clock.advance(10);
      const s = openStore(clock);
      expect(now(s, { ...intentOrder(0, AT), clientOrderId: 'old-1' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
      expect(now(s, { ...intentOrder(0, AT), exchangeOrderId: 'x-old' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
      expect(now(s, { ...intentOrder(0, AT), idempotencyKey: 'k-old' })).toEqual({ ok: false, code: 'IDEMPOTENCY.TAKEN' });
      expect(now(s, { ...intentOrder(0, AT), idempotencyKey: 'k-expired' })).toEqual({ ok: true });
    });
  });

  describe('a fold that fails', () => {
    /**
     * What a promise failed with, as text ('' if it did not). Not `rejects.toThrow`: better-sqlite3's
     * SqliteError is built by its native addon, which keeps the class of the first spec file that loaded
     * it in a jest worker; in the next file's realm that object is no Error, and jest reports "did not throw".
     */
    const failure = (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => '',
        (e: unknown) => String(e),
      );
    /** What a failing fold depends on, checked before it runs (so a failure says which was not so). */
    const foldState = (s: SqliteStorage) => ({
      waiting: aheadOf(s).waiting(),
      inTransaction: s.connection.raw.inTransaction,
      triggers: s.connection.raw
        .prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' UNION ALL SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .pluck()
        .all(),
      rows: orderRows().length,
    });
    const refuseIw1 = (trigger: string, temp: boolean): string =>
      `CREATE ${temp ? 'TEMP ' : ''}TRIGGER ${trigger} BEFORE INSERT ON orders WHEN NEW.client_order_id = 'iw-1'
       BEGIN SELECT RAISE(ABORT, 'iw-1 refused by the spec trigger'); END`;

    it('keeps its intents in the log and in memory and fails the next statement with SQLite error; once the cause is gone, the next statement folds', async () => {
      const s = openStore(new FakeClock(AT));
      s.connection.raw.exec(refuseIw1('refuse_iw1', true));
      expect(now(s, intentOrder(0, AT))).toEqual({ ok: true });
      expect(now(s, intentOrder(1, AT))).toEqual({ ok: true });
      expect(foldState(s)).toEqual({ waiting: 2, inTransaction: false, triggers: ['refuse_iw1'], rows: 0 });

      expect(await failure(s.orders.byClientOrderId('iw-0'))).toContain('iw-1 refused by the spec trigger');
      // The scheduled fold fails the same way, quietly: the intents wait.
      await new Promise((r) => setImmediate(r));
      expect(await failure(s.safety.halts())).toContain('iw-1 refused by the spec trigger');
      expect(await failure(s.unitOfWork.run((tx) => tx.orders.byClientOrderId('iw-0')))).toContain('iw-1 refused by the spec trigger');
      expect(aheadOf(s).waiting()).toBe(2);
      expect(s.connection.raw.inTransaction).toBe(false);
      // Rolled back whole (iw-0 too), and still in the log with no mark after them.
      expect(orderRows()).toEqual([]);
      expect(keyRows()).toEqual([]);
      expect(logLines()).toHaveLength(2);
      expect(logLines()).not.toContain(FOLDED);
      // Still known to the refusals: neither can be written ahead twice.
      expect(now(s, { ...intentOrder(1, AT), idempotencyKey: 'other' })).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });

      s.connection.raw.exec('DROP TRIGGER temp.refuse_iw1');
      expect((await s.orders.byClientOrderId('iw-1'))?.clientOrderId).toBe('iw-1');
      expect(aheadOf(s).waiting()).toBe(0);
      expect(orderRows()).toEqual([intentRow(0, AT), intentRow(1, AT)]);
      expect(keyRows()).toEqual([keyRow(0), keyRow(1)]);
      expect(logLines().at(-1)).toBe(FOLDED);
    });

    it('close() with a failing fold fails, closes, and leaves the log for the next open, which folds it', async () => {
      const s = openStore(new FakeClock(AT));
      s.connection.raw.exec(refuseIw1('refuse_iw1', true));
      expect(now(s, intentOrder(1, AT))).toEqual({ ok: true });
      expect(foldState(s)).toEqual({ waiting: 1, inTransaction: false, triggers: ['refuse_iw1'], rows: 0 });
      expect(await failure(s.close())).toContain('iw-1 refused by the spec trigger');
      expect(s.connection.raw.open).toBe(false);
      expect(logLines()).toHaveLength(1);
      expect(orderRows()).toEqual([]);

      // The TEMP trigger went with its connection.
      const again = openStore(new FakeClock(AT + 1_000));
      expect(again.intentLog).toEqual({ path: logPath, replayed: 1, torn: null });
      expect(orderRows()).toEqual([intentRow(1, AT)]);
      expect(keyRows()).toEqual([keyRow(1)]);
    });

    it('a replay that fails at open refuses to open the store and keeps the log; it folds once the cause is gone', async () => {
      const s = openStore(new FakeClock(AT));
      s.connection.raw.exec(refuseIw1('refuse_iw1', false));
      expect(now(s, intentOrder(1, AT))).toEqual({ ok: true });
      expect(foldState(s)).toEqual({ waiting: 1, inTransaction: false, triggers: ['refuse_iw1'], rows: 0 });
      expect(await failure(s.close())).toContain('iw-1 refused by the spec trigger');

      expect(await failure(Promise.resolve().then(() => openStore(new FakeClock(AT + 1_000))))).toContain('iw-1 refused by the spec trigger');
      expect(logLines()).toHaveLength(1);
      inSqlite((db) => db.exec('DROP TRIGGER refuse_iw1'));
      const again = openStore(new FakeClock(AT + 2_000));
      expect(again.intentLog).toEqual({ path: logPath, replayed: 1, torn: null });
      expect(orderRows()).toEqual([intentRow(1, AT)]);
    });
  });

  describe('a process that opens without the intent log (the CLI)', () => {
    it('never creates the log file', async () => {
      const s = openSqliteStorage({ path: dbPath, clock: new FakeClock(AT) });
      open.push(s);
      expect(s.intentLog).toBeNull();
      expect(s.writeAhead.writeAheadNow?.(intentOrder(0, AT), TTL) ?? null).toBeNull();
      expect(await s.writeAhead.writeAhead(intentOrder(0, AT), TTL)).toEqual({ ok: true });
      // Its write-ahead is the transaction: in SQLite when it returns.
      expect(orderRows()).toEqual([intentRow(0, AT)]);
      await s.close();
      expect(existsSync(logPath)).toBe(false);
    });

    it("leaves a trading process's log as it is: not replayed, not emptied, not written; the trading process's next open folds it", async () => {
      const seed = openStore(new FakeClock(AT));
      await seed.close();
      // A crash's intent, as the trading process appends it.
      const log = new IntentLogFile(logPath, true);
      log.open();
      log.append({ at: AT, ttlMs: TTL, row: intentRow(0, AT) as never });
      log.close();
      const before = readFileSync(logPath);

      const s = openSqliteStorage({ path: dbPath, clock: new FakeClock(AT), synchronous: 'NORMAL' });
      open.push(s);
      expect(s.intentLog).toBeNull();
      expect(await s.writeAhead.writeAhead(intentOrder(1, AT), TTL)).toEqual({ ok: true });
      expect(await s.orders.update('iw-1', { status: 'submitted', updatedAt: AT })).not.toBeNull();
      expect(await s.orders.byClientOrderId('iw-0')).toBeNull();
      await s.close();
      expect(readFileSync(logPath)).toEqual(before);

      const trading = openStore(new FakeClock(AT + 1_000));
      expect(trading.intentLog).toEqual({ path: logPath, replayed: 1, torn: null });
      expect(inSqlite((db) => db.prepare('SELECT client_order_id, status FROM orders ORDER BY 1').all())).toEqual([
        { client_order_id: 'iw-0', status: 'new' },
        { client_order_id: 'iw-1', status: 'submitted' },
      ]);
    });
  });
});
