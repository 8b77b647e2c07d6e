import type { SafetyStateStore, StoredHalt, TradeCursor } from '@cab/application';
import type { Db } from './support';

/** Halts and trade cursors (V0005): a handful of rows, written when they change, read at start. */
export class SqlSafetyStateStore implements SafetyStateStore {
  constructor(private readonly db: Db) {}

  async halts(): Promise<StoredHalt[]> {
    const rows = await this.db.selectFrom('halts').selectAll().orderBy('since', 'asc').execute();
    return rows.map((r) => ({ code: r.code, level: r.level === 'reducing' ? 'reducing' : 'halted', reason: r.reason, since: r.since }));
  }

  async saveHalt(h: StoredHalt): Promise<void> {
    await this.db
      .insertInto('halts')
      .values({ code: h.code, level: h.level, reason: h.reason, since: h.since })
      .onConflict((oc) => oc.column('code').doUpdateSet({ level: h.level, reason: h.reason, since: h.since }))
      .execute();
  }

  async removeHalt(code: string): Promise<void> {
    await this.db.deleteFrom('halts').where('code', '=', code).execute();
  }

  async tradeCursors(): Promise<TradeCursor[]> {
    const rows = await this.db.selectFrom('trade_cursors').selectAll().orderBy('symbol', 'asc').execute();
    return rows.map((r) => ({ symbol: r.symbol, tradesSince: r.trades_since, unreadSince: r.unread_since }));
  }

  async saveTradeCursor(c: TradeCursor): Promise<void> {
    await this.db
      .insertInto('trade_cursors')
      .values({ symbol: c.symbol, trades_since: c.tradesSince, unread_since: c.unreadSince })
      .onConflict((oc) => oc.column('symbol').doUpdateSet({ trades_since: c.tradesSince, unread_since: c.unreadSince }))
      .execute();
  }
}
