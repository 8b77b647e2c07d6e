import { dec, ZERO } from '@cab/domain';
import type { Db } from './support';

/** One bot of the database, as the dashboard's bot list shows it (docs/postgres.md, "The dashboard's bot list"). */
export interface BotSummary {
  botId: string;
  /** Epoch ms of its latest order change, fill or position save; null if it has none. */
  lastActivity: number | null;
  orders: number;
  fills: number;
  /** Positions holding a base quantity above zero. */
  openPositions: number;
}

const count = (n: number | string | bigint): number => Number(n);
const latest = (a: number | null, b: number | string | bigint | null): number | null => {
  if (b === null) return a;
  const v = Number(b);
  return a === null || v > a ? v : a;
};

/**
 * Every bot with rows in the database, read across BOT_IDs on purpose: the one read that is not
 * scoped to the storage's own bot. A bot appears once it wrote an order, a fill or a position.
 * Grouped in SQL on both dialects; the open-position test is done with dec() (SQLite keeps
 * amounts as TEXT, so a SQL `> 0` would compare text or floats), over one row per bot and symbol.
 */
export async function listBots(db: Db): Promise<BotSummary[]> {
  const [orders, fills, positions] = await Promise.all([
    db
      .selectFrom('orders')
      .select((eb) => ['bot_id', eb.fn.countAll<number | string | bigint>().as('n'), eb.fn.max('updated_at').as('last')])
      .groupBy('bot_id')
      .execute(),
    db
      .selectFrom('fills')
      .select((eb) => ['bot_id', eb.fn.countAll<number | string | bigint>().as('n'), eb.fn.max('ts').as('last')])
      .groupBy('bot_id')
      .execute(),
    db.selectFrom('positions').select(['bot_id', 'base_qty', 'updated_at']).execute(),
  ]);
  const bots = new Map<string, BotSummary>();
  const bot = (id: string): BotSummary => {
    let b = bots.get(id);
    if (!b) bots.set(id, (b = { botId: id, lastActivity: null, orders: 0, fills: 0, openPositions: 0 }));
    return b;
  };
  for (const r of orders) Object.assign(bot(r.bot_id), { orders: count(r.n), lastActivity: latest(bot(r.bot_id).lastActivity, r.last) });
  for (const r of fills) Object.assign(bot(r.bot_id), { fills: count(r.n), lastActivity: latest(bot(r.bot_id).lastActivity, r.last) });
  for (const r of positions) {
    const b = bot(r.bot_id);
    if (dec(r.base_qty).gt(ZERO)) b.openPositions++;
    b.lastActivity = latest(b.lastActivity, r.updated_at);
  }
  return [...bots.values()].sort((a, b) => (a.botId < b.botId ? -1 : a.botId > b.botId ? 1 : 0));
}
