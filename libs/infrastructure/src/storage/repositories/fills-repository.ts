import type { FillRecord, FillsInsertResult, FillsRepository } from '@cab/application';
import { dec, str } from '@cab/domain';
import type { Selectable } from 'kysely';
import type { FillsTable } from '../schema';
import { clampLimit, inTransaction, toSide, type Db } from './support';

export function fillToRow(f: FillRecord): FillsTable {
  return {
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
  constructor(private readonly db: Db) {}

  insertMany(fills: readonly FillRecord[]): Promise<FillsInsertResult> {
    if (fills.length === 0) return Promise.resolve({ inserted: [], duplicates: 0 });
    return inTransaction(this.db, async (trx) => {
      const inserted: FillRecord[] = [];
      // One statement per fill so RETURNING tells exactly which ones were new (LESSONS 11).
      for (const fill of fills) {
        const row = await trx
          .insertInto('fills')
          .values(fillToRow(fill))
          .onConflict((oc) => oc.columns(['exchange', 'trade_id']).doNothing())
          .returning('trade_id')
          .executeTakeFirst();
        if (row) inserted.push(fill);
      }
      return { inserted, duplicates: fills.length - inserted.length };
    });
  }

  async byOrder(clientOrderId: string): Promise<FillRecord[]> {
    const rows = await this.db
      .selectFrom('fills')
      .selectAll()
      .where('client_order_id', '=', clientOrderId)
      .orderBy('ts', 'asc')
      .orderBy('trade_id', 'asc')
      .execute();
    return rows.map(rowToFill);
  }

  async bySymbol(symbol: string, since?: number, limit?: number): Promise<FillRecord[]> {
    let q = this.db.selectFrom('fills').selectAll().where('symbol', '=', symbol);
    if (since !== undefined) q = q.where('ts', '>=', since);
    const rows = await q.orderBy('ts', 'asc').orderBy('trade_id', 'asc').limit(clampLimit(limit, 1000)).execute();
    return rows.map(rowToFill);
  }
}
