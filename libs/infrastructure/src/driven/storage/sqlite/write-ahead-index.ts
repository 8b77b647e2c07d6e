import type Database from 'better-sqlite3';

/** The ids of one order row the write-ahead's refusals compare. */
export interface OrderIds {
  client_order_id: string;
  exchange: string;
  exchange_order_id: string | null;
}

/**
 * What the write-ahead's refusals are decided on when the intent log is on (sqlite-write-ahead.ts):
 * this bot's live idempotency keys and its orders' client and exchange order ids, read from SQLite
 * at open and kept by every write of this storage — the write-ahead, and the repositories' inserts,
 * updates, reservations and releases (in a transaction or not). Asking it costs a Map lookup where
 * SQLite's read costs ~10–25 µs (a read lock on the WAL index per statement).
 *
 * Exact while this storage is the only writer of this bot's orders and keys: the process that trades
 * the bot, the one the instance lock admits (docs/lessons.md #10). A row written in a transaction
 * that then rolls back stays known: the error is a refusal (the order is not sent), never a send.
 */
export class WriteAheadIndex {
  private readonly keys = new Map<string, number>();
  private readonly ids = new Set<string>();
  /**
   * Keys released since they were last read or reserved. A release may be inside a transaction that
   * then rolls back, and a freed key must never be a send SQLite would have refused: these are read
   * back from SQLite when asked (a release is rare: no order's path releases a key).
   */
  private readonly released = new Set<string>();
  private readonly heldKey: Database.Statement;

  private constructor(
    private readonly raw: Database.Database,
    private readonly botId: string,
  ) {
    this.heldKey = raw.prepare('SELECT expires_at FROM idempotency_keys WHERE bot_id = ? AND key = ?').pluck();
  }

  /** This bot's keys still live at `now` and all its orders' ids. */
  static load(raw: Database.Database, botId: string, now: number): WriteAheadIndex {
    const index = new WriteAheadIndex(raw, botId);
    const keys = raw.prepare('SELECT key, expires_at AS expiresAt FROM idempotency_keys WHERE bot_id = ? AND expires_at > ?').raw();
    for (const [key, expiresAt] of keys.iterate(botId, now) as IterableIterator<[string, number]>) index.keys.set(key, expiresAt);
    const orders = raw.prepare('SELECT client_order_id, exchange, exchange_order_id FROM orders WHERE bot_id = ?');
    for (const row of orders.iterate(botId) as IterableIterator<OrderIds>) index.orderWritten(row);
    return index;
  }

  /** A key held and not yet expired (one whose TTL has passed may be taken over). */
  keyIsLive(key: string, now: number): boolean {
    if (this.released.has(key)) {
      // Inside a transaction its release may still roll back: taken, as that transaction's reservation would find it.
      if (this.raw.inTransaction) return true;
      this.released.delete(key);
      const expiresAt = this.heldKey.get(this.botId, key) as number | undefined;
      if (expiresAt !== undefined) this.keys.set(key, expiresAt);
    }
    const expiresAt = this.keys.get(key);
    return expiresAt !== undefined && expiresAt > now;
  }

  /** A row holds this client order id, or this venue's exchange order id. */
  hasOrder(ids: OrderIds): boolean {
    if (this.ids.has(clientKey(ids.client_order_id))) return true;
    return ids.exchange_order_id !== null && this.ids.has(exchangeKey(ids.exchange, ids.exchange_order_id));
  }

  orderWritten(ids: OrderIds): void {
    this.ids.add(clientKey(ids.client_order_id));
    if (ids.exchange_order_id !== null) this.ids.add(exchangeKey(ids.exchange, ids.exchange_order_id));
  }

  /** An update gave an order its exchange order id. */
  exchangeIdWritten(exchange: string, exchangeOrderId: string): void {
    this.ids.add(exchangeKey(exchange, exchangeOrderId));
  }

  keyReserved(key: string, expiresAt: number): void {
    this.released.delete(key);
    this.keys.set(key, expiresAt);
  }

  keyReleased(key: string): void {
    this.keys.delete(key);
    this.released.add(key);
  }
}

const clientKey = (id: string): string => `c\u0000${id}`;
const exchangeKey = (exchange: string, id: string): string => `x\u0000${exchange}\u0000${id}`;
