import type { SafetyStateStore, StoredHalt, TradeCursor } from '@cab/application';
import { DEFAULT_BOT_ID, type Db } from './support';

/** Halts and trade cursors (V0005): a handful of rows, written when they change, read at start. */
export class SqlSafetyStateStore implements SafetyStateStore {
  constructor(
    private readonly db: Db,
    private readonly botId: string = DEFAULT_BOT_ID,
  ) {}

  async halts(): Promise<StoredHalt[]> {
    const rows = await this.db.selectFrom('halts').selectAll().where('bot_id', '=', this.botId).orderBy('since', 'asc').execute();
    return rows.map((r) => ({ code: r.code, level: r.level === 'reducing' ? 'reducing' : 'halted', reason: r.reason, since: r.since }));
  }

  async saveHalt(h: StoredHalt): Promise<void> {
    await this.db
      .insertInto('halts')
      .values({ bot_id: this.botId, code: h.code, level: h.level, reason: h.reason, since: h.since })
      .onConflict((oc) => oc.columns(['bot_id', 'code']).doUpdateSet({ level: h.level, reason: h.reason, since: h.since }))
      .execute();
  }

  async removeHalt(code: string): Promise<void> {
    await this.db.deleteFrom('halts').where('bot_id', '=', this.botId).where('code', '=', code).execute();
  }

  async tradeCursors(): Promise<TradeCursor[]> {
    const rows = await this.db.selectFrom('trade_cursors').selectAll().where('bot_id', '=', this.botId).orderBy('symbol', 'asc').execute();
    return rows.map((r) => ({ symbol: r.symbol, tradesSince: r.trades_since, unreadSince: r.unread_since }));
  }

  async saveTradeCursor(c: TradeCursor): Promise<void> {
    await this.db
      .insertInto('trade_cursors')
      .values({ bot_id: this.botId, symbol: c.symbol, trades_since: c.tradesSince, unread_since: c.unreadSince })
      .onConflict((oc) => oc.columns(['bot_id', 'symbol']).doUpdateSet({ trades_since: c.tradesSince, unread_since: c.unreadSince }))
      .execute();
  }
}
