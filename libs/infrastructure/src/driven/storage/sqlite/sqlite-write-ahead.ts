import type { OrderRecord, OrderWriteAhead, WriteAheadResult } from '@cab/application';
import type { Clock } from '@cab/domain';
import type Database from 'better-sqlite3';
import { checkTtl, reserveKeyQuery, type ReserveKeyParams } from '../tables/idempotency-keys-table';
import { insertOrderQuery, orderToRow } from '../tables/orders-table';
import { bindTemplate, compileTemplate, type Template } from '../tables/query-templates';
import type { Db } from '../tables/support';
import type { OrdersTable } from '../schema';
import { ORDER_COLUMNS, type IntentLogFile, type LoggedIntent } from './intent-log';
import { WriteAheadIndex } from './write-ahead-index';

const RESERVE_PARAMS: Record<keyof ReserveKeyParams, null> = { bot: null, key: null, ref: null, now: null, expiresAt: null };

interface Prepared {
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
  reserve: { t: Template; stmt: Database.Statement };
  insert: { t: Template; stmt: Database.Statement };
}

/**
 * SQLite's write-ahead of an order (the OrderWriteAhead port; docs/core.md, "The write-ahead").
 *
 * With the order intent log (the process that trades): the order row and its idempotency key are
 * appended to the log — one `write()`, before the send — and go into SQLite right after it, in the
 * transaction that used to run before the send (BEGIN IMMEDIATE, the key reserved, the row
 * inserted, COMMIT), from the log's copy. That transaction costs ~90 µs at `synchronous=NORMAL`
 * (SQLite writes every page it changed to its WAL), more than an order's whole budget, while
 * NORMAL's promise — a commit survives a crash of the process, not a power cut — is what one
 * `write()` gives; at FULL the log is fdatasync'ed too, as FULL does for a commit.
 *
 * The refusals are the transaction's (a live key; a row under the same client or exchange order
 * id), decided from the WriteAheadIndex in memory, which every write of this storage keeps. What the
 * rest of the store sees: each statement kysely runs outside a transaction, and each BEGIN, first
 * folds the waiting intents (`fold`, hooked on the connection), so a Persist of the order's answer,
 * or any read, finds the row. A fold that fails keeps the intents (in the log and here) and fails
 * that statement: the store-write backlog halts entries, loudly. `openLog`, at open, folds what a
 * crash left in the log before anything reads the store.
 *
 * Without a log (an in-memory database; a process that does not trade): the transaction itself,
 * before the send.
 */
export class SqliteWriteAhead implements OrderWriteAhead {
  private prepared: Prepared | null = null;
  /** Intents appended and not yet in SQLite, oldest first. */
  private pending: LoggedIntent[] = [];
  private foldScheduled = false;
  /** The refusals' index (write-ahead-index.ts), read by `openLog`. */
  private refusals: WriteAheadIndex | null = null;

  constructor(
    private readonly db: Db,
    private readonly raw: Database.Database,
    private readonly clock: Clock,
    private readonly botId: string,
    /** The intent log; null (an in-memory database, a process that does not trade): the transaction before the send, as it was. */
    private readonly log: IntentLogFile | null = null,
    /**
     * A fold after a send found the order's row there already: another process writes this bot's
     * orders (two bots under one BOT_ID), which the refusals cannot see. The row is left as found.
     */
    private readonly onConflict: ((clientOrderIds: readonly string[]) => void) | null = null,
  ) {}

  writeAhead(order: OrderRecord, ttlMs: number): Promise<WriteAheadResult> {
    if (this.log !== null) {
      try {
        return Promise.resolve(this.logIntent(order, ttlMs, this.log));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    // No transaction open on the connection: the statements run now, BEGIN to COMMIT with no await,
    // so nothing of kysely's can run between them (a kysely transaction that has taken the mutex
    // but not yet sent its BEGIN simply begins after this one). One open: wait for the mutex.
    if (!this.raw.inTransaction) {
      try {
        return Promise.resolve(this.run(order, ttlMs));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.db.connection().execute(async () => this.run(order, ttlMs));
  }

  /** With the log: the write-ahead done now (one append); without it, null (the transaction may have to wait for the connection). */
  writeAheadNow(order: OrderRecord, ttlMs: number): WriteAheadResult | null {
    return this.log === null ? null : this.logIntent(order, ttlMs, this.log);
  }

  /**
   * With a log, at open, before anything reads the store: folds what the log holds (a crash's last
   * intents), empties it and reads the refusals' index. Returns how many intents it folded and a
   * last line cut short, if any (dropped).
   */
  openLog(): { replayed: number; torn: string | null; index: WriteAheadIndex } {
    if (this.log === null) throw new Error('no intent log to open');
    const { intents, torn } = this.log.open();
    if (intents.length > 0) this.foldIntents(intents);
    this.log.clear();
    this.refusals = WriteAheadIndex.load(this.raw, this.botId, this.clock.now());
    return { replayed: intents.length, torn, index: this.refusals };
  }

  /** Intents in the log that SQLite does not hold yet (specs, and the stop's log line). */
  waiting(): number {
    return this.pending.length;
  }

  /**
   * Folds the waiting intents into SQLite, oldest first, in one transaction, then empties the log.
   * Nothing to do with none waiting, or with a transaction open on the connection (its BEGIN or the
   * next statement after it folds them). Throws what SQLite threw, with every intent still waiting.
   */
  fold(): void {
    if (this.pending.length === 0 || this.raw.inTransaction) return;
    const conflicts = this.foldIntents(this.pending);
    this.pending = [];
    this.log?.folded();
    if (conflicts.length > 0) this.onConflict?.(conflicts);
  }

  /** The refusals from the index, then one append: the order may go out when this returns. */
  private logIntent(order: OrderRecord, ttlMs: number, log: IntentLogFile): WriteAheadResult {
    const index = this.refusals;
    if (index === null) throw new Error('the intent log is not open');
    const key = order.idempotencyKey;
    // Checked before anything is written: a bad TTL or decimal rejects with nothing written, as in the unit of work.
    if (key !== null) checkTtl(ttlMs);
    const row = orderToRow(order, this.botId);
    const now = this.clock.now();
    if (key !== null && index.keyIsLive(key, now)) return { ok: false, code: 'IDEMPOTENCY.TAKEN' };
    if (index.hasOrder(row)) return { ok: false, code: 'ORDER.DUPLICATE' };
    const intent: LoggedIntent = { at: now, ttlMs, row };
    log.append(intent);
    this.pending.push(intent);
    if (key !== null) index.keyReserved(key, now + ttlMs);
    index.orderWritten(row);
    this.scheduleFold();
    return { ok: true };
  }

  /** Without a log: BEGIN IMMEDIATE, the key, the row, COMMIT, all before the send. */
  private run(order: OrderRecord, ttlMs: number): WriteAheadResult {
    const s = (this.prepared ??= this.prepare());
    if (this.raw.inTransaction) throw new Error('the write-ahead found a transaction open on its connection');
    // Checked and made before BEGIN: a bad TTL or decimal rejects with nothing written, as in the unit of work.
    if (order.idempotencyKey !== null) checkTtl(ttlMs);
    const row = orderToRow(order, this.botId);
    s.begin.run();
    try {
      const key = order.idempotencyKey;
      if (key !== null) {
        const now = this.clock.now();
        const won = s.reserve.stmt.get(bindTemplate(s.reserve.t, { bot: this.botId, key, ref: order.clientOrderId, now, expiresAt: now + ttlMs }));
        if (won === undefined) {
          // A live key: nothing was written (the unit of work commits this empty transaction too).
          s.commit.run();
          return { ok: false, code: 'IDEMPOTENCY.TAKEN' };
        }
      }
      if (s.insert.stmt.get(bindTemplate(s.insert.t, row)) === undefined) {
        // The row exists: the key reserved with it goes too.
        s.rollback.run();
        return { ok: false, code: 'ORDER.DUPLICATE' };
      }
      s.commit.run();
      return { ok: true };
    } catch (err) {
      if (this.raw.inTransaction) s.rollback.run();
      throw err;
    }
  }

  /**
   * After the send (the send follows this write-ahead's promise in the same turn of the event loop):
   * the fold runs on the next turn, off the order's path. If it cannot (a transaction is open, or it
   * failed), the next statement on the connection folds or fails loudly; the log keeps the intents.
   */
  private scheduleFold(): void {
    if (this.foldScheduled) return;
    this.foldScheduled = true;
    setImmediate(() => {
      this.foldScheduled = false;
      try {
        this.fold();
      } catch {
        // Kept: the next statement on the connection folds again and fails with SQLite's error.
      }
    }).unref();
  }

  /**
   * The write-ahead's transaction for each intent, as of its own time: the key reserved (or taken
   * over once its TTL had passed), the row inserted. Both are no-ops for an intent already folded
   * (a crash between the commit and the log's emptying), so a replay is idempotent. Returns the
   * client order ids whose row was there already. Public for a backup, which folds the logs beside
   * the database into its copy (maintenance/backup.ts).
   */
  foldIntents(intents: readonly LoggedIntent[]): string[] {
    const s = (this.prepared ??= this.prepare());
    /** The intents whose row was there already (a replay's are expected: folded before a crash, the log not yet marked). */
    const there: string[] = [];
    s.begin.run();
    try {
      for (const { at, ttlMs, row } of intents) {
        const key = row.idempotency_key;
        if (key !== null) s.reserve.stmt.get(bindTemplate(s.reserve.t, { bot: row.bot_id, key, ref: row.client_order_id, now: at, expiresAt: at + ttlMs }));
        if (s.insert.stmt.get(bindTemplate(s.insert.t, row)) === undefined) there.push(row.client_order_id);
      }
      s.commit.run();
      return there;
    } catch (err) {
      if (this.raw.inTransaction) s.rollback.run();
      throw err;
    }
  }

  /** Prepared at the first use, after the migrations have made the tables. */
  private prepare(): Prepared {
    const reserve = compileTemplate(RESERVE_PARAMS as unknown as ReserveKeyParams, (p) => reserveKeyQuery(this.db, p));
    // The INSERT's parameter names are the columns (their values are never read).
    const insert = compileTemplate(ORDER_COLUMNS as unknown as OrdersTable, (row) => insertOrderQuery(this.db, row));
    return {
      begin: this.raw.prepare('BEGIN IMMEDIATE'),
      commit: this.raw.prepare('COMMIT'),
      rollback: this.raw.prepare('ROLLBACK'),
      reserve: { t: reserve, stmt: this.raw.prepare(reserve.sql) },
      insert: { t: insert, stmt: this.raw.prepare(insert.sql) },
    };
  }
}
