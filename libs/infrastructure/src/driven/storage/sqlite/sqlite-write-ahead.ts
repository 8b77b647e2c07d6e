import type { OrderRecord, OrderWriteAhead, WriteAheadResult } from '@cab/application';
import type { Clock } from '@cab/domain';
import type Database from 'better-sqlite3';
import { checkTtl, reserveKeyQuery, type ReserveKeyParams } from '../tables/idempotency-keys-table';
import { insertOrderQuery, orderToRow } from '../tables/orders-table';
import { bindTemplate, compileTemplate, type Template } from '../tables/query-templates';
import type { Db } from '../tables/support';
import type { OrdersTable } from '../schema';

interface Prepared {
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
  reserve: { t: Template; stmt: Database.Statement };
  insert: { t: Template; stmt: Database.Statement };
}

/** Every column of an order row: the parameter names of the INSERT's template (their values are never read). */
const ORDER_COLUMNS: Record<keyof OrdersTable, null> = {
  bot_id: null,
  client_order_id: null,
  exchange: null,
  exchange_order_id: null,
  symbol: null,
  side: null,
  type: null,
  requested_quote: null,
  requested_base: null,
  status: null,
  filled_base: null,
  filled_quote: null,
  average_price: null,
  fee: null,
  fee_currency: null,
  idempotency_key: null,
  reason: null,
  created_at: null,
  updated_at: null,
};
const RESERVE_PARAMS: Record<keyof ReserveKeyParams, null> = { bot: null, key: null, ref: null, now: null, expiresAt: null };

/**
 * SQLite's write-ahead of an order (the OrderWriteAhead port, docs/core.md "Drivers"): the same
 * transaction as the unit of work's — BEGIN IMMEDIATE, the idempotency key reserved, the order row
 * inserted, COMMIT — with the same SQL (kysely's, compiled once from the repositories' own
 * builders), run as prepared better-sqlite3 statements. Through kysely the BEGIN, each statement
 * and the COMMIT also went through its executor's and driver's promises: this saves ~10–25 µs of
 * an order's path; the rest is SQLite's own locks and WAL writes (tools/bench/README.md, "Third round").
 *
 * The statements run synchronously, BEGIN to COMMIT, so nothing else runs on the connection between
 * them, and never inside a kysely transaction in flight: with one open on the connection they wait
 * for kysely's connection mutex (`connection().execute`) as any query would.
 */
export class SqliteWriteAhead implements OrderWriteAhead {
  private prepared: Prepared | null = null;

  constructor(
    private readonly db: Db,
    private readonly raw: Database.Database,
    private readonly clock: Clock,
    private readonly botId: string,
  ) {}

  writeAhead(order: OrderRecord, ttlMs: number): Promise<WriteAheadResult> {
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

  /** Prepared at the first order, after the migrations have made the tables. */
  private prepare(): Prepared {
    const reserve = compileTemplate(RESERVE_PARAMS as unknown as ReserveKeyParams, (p) => reserveKeyQuery(this.db, p));
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
