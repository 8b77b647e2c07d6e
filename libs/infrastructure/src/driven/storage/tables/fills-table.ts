import type { FillRecord, FillsInsertResult, FillsRepository } from '@cab/application';
import { dec, str } from '@cab/domain';
import type { Selectable } from 'kysely';
import type { FillsTable } from '../schema';
import { QueryTemplates } from './query-templates';
import { clampLimit, DEFAULT_BOT_ID, inTransaction, toSide, type Db } from './support';

/** Rows per INSERT: 12 parameters each stays far below SQLite's 32,766-parameter limit. */
const CHUNK = 500;

const fillKey = (exchange: string, tradeId: string): string => `${exchange}\u0000${tradeId}`;

export function fillToRow(f: FillRecord, botId: string): FillsTable {
  return {
    bot_id: botId,
    exchange: f.exchange,
    trade_id: f.tradeId,
    client_order_id: f.clientOrderId,
    exchange_order_id: f.exchangeOrderId,
    symbol: f.symbol,
    side: f.side,
    price: str(f.price),
    amount: str(f.amount),
    cost: str(f.cost),
    fee: str(f.fee),
    fee_currency: f.feeCurrency,
    ts: f.ts,
  };
}

export function rowToFill(r: Selectable<FillsTable>): FillRecord {
  return {
    exchange: r.exchange,
    tradeId: r.trade_id,
    clientOrderId: r.client_order_id,
    exchangeOrderId: r.exchange_order_id,
    symbol: r.symbol,
    side: toSide(r.side),
    price: dec(r.price),
    amount: dec(r.amount),
    cost: dec(r.cost),
    fee: dec(r.fee),
    feeCurrency: r.fee_currency,
    ts: r.ts,
  };
}

export class SqlFillsRepository implements FillsRepository {
  constructor(
    private readonly db: Db,
    private readonly templates: QueryTemplates = new QueryTemplates(),
    private readonly botId: string = DEFAULT_BOT_ID,
  ) {}

  insertMany(fills: readonly FillRecord[]): Promise<FillsInsertResult> {
    if (fills.length === 0) return Promise.resolve({ inserted: [], duplicates: 0 });
    return inTransaction(this.db, async (trx) => {
      // One multi-row INSERT … ON CONFLICT DO NOTHING per chunk; RETURNING names exactly the rows
      // that were new (docs/lessons.md #11). A trade repeated within the input conflicts with its first copy.
      const fresh = new Set<string>();
      for (let i = 0; i < fills.length; i += CHUNK) {
        const chunk = fills.slice(i, i + CHUNK).map((f) => fillToRow(f, this.botId));
        const rows = await this.templates.runRows(trx, 'fills.insert', chunk, (values) =>
          trx
            .insertInto('fills')
            .values(values)
            .onConflict((oc) => oc.columns(['bot_id', 'exchange', 'trade_id']).doNothing())
            .returning(['exchange', 'trade_id']),
        );
        for (const r of rows) fresh.add(fillKey(r.exchange, r.trade_id));
      }
      const inserted: FillRecord[] = [];
      for (const f of fills) {
        // delete: only the first copy of a trade repeated in the input counts as inserted.
        if (fresh.delete(fillKey(f.exchange, f.tradeId))) inserted.push(f);
      }
      return { inserted, duplicates: fills.length - inserted.length };
    });
  }

  async byOrder(clientOrderId: string): Promise<FillRecord[]> {
    const rows = await this.db
      .selectFrom('fills')
      .selectAll()
      .where('bot_id', '=', this.botId)
      .where('client_order_id', '=', clientOrderId)
      .orderBy('ts', 'asc')
      .orderBy('trade_id', 'asc')
      .execute();
    return rows.map(rowToFill);
  }

  async bySymbol(symbol: string, since?: number, limit?: number): Promise<FillRecord[]> {
    let q = this.db.selectFrom('fills').selectAll().where('bot_id', '=', this.botId).where('symbol', '=', symbol);
    if (since !== undefined) q = q.where('ts', '>=', since);
    const rows = await q.orderBy('ts', 'asc').orderBy('trade_id', 'asc').limit(clampLimit(limit, 1000)).execute();
    return rows.map(rowToFill);
  }
}
