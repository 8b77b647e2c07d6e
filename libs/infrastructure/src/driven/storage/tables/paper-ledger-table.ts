import type { PaperBalances, PaperFillRecord, PaperLedgerStore, PaperOrderRecord, PaperOrdersChange } from '@cab/application';
import { dec, str, type Clock } from '@cab/domain';
import type { Insertable, Selectable } from 'kysely';
import type { PaperOrdersTable } from '../schema';
import { QueryTemplates } from './query-templates';
import { DEFAULT_BOT_ID, inTransaction, toSide, type Db } from './support';

/**
 * The paper broker's account: balances in paper_balances (one row per currency) and its orders
 * with their fills in paper_orders (one row per order), written together in one transaction.
 */
export class SqlPaperLedgerStore implements PaperLedgerStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly templates: QueryTemplates = new QueryTemplates(),
    private readonly botId: string = DEFAULT_BOT_ID,
  ) {}

  async load(): Promise<PaperBalances | null> {
    const rows = await this.db.selectFrom('paper_balances').selectAll().where('bot_id', '=', this.botId).orderBy('currency').execute();
    if (rows.length === 0) return null;
    const out: PaperBalances = {};
    for (const r of rows) out[r.currency] = { free: str(dec(r.free)), used: str(dec(r.used)) };
    return out;
  }

  /** Replaces every balance row and upserts the changed orders in one transaction: a crash never leaves half an account. */
  async save(balances: PaperBalances, change?: PaperOrdersChange): Promise<void> {
    // Validate before touching the tables: a bad amount is a bug in the caller.
    const rows = Object.entries(balances).map(([currency, b]) => ({
      bot_id: this.botId,
      currency,
      free: str(dec(b.free)),
      used: str(dec(b.used)),
      updated_at: this.clock.now(),
    }));
    const orders = (change?.orders ?? []).map((o) => toRow(o, this.botId));
    const before = change?.forgetFinishedBefore;
    // Compiled once per row count (the paper broker saves after every fill).
    return inTransaction(this.db, async (trx) => {
      await this.templates.run(trx, 'paper.clear', { bot: this.botId }, (p) => trx.deleteFrom('paper_balances').where('bot_id', '=', p.bot));
      if (rows.length > 0) await this.templates.runRows(trx, 'paper.insert', rows, (values) => trx.insertInto('paper_balances').values(values));
      if (orders.length > 0) await this.templates.runRows(trx, 'paper.orders.upsert', orders, (values) => upsert(trx, values));
      if (before !== undefined) await this.forget(trx, before);
    });
  }

  async loadOrders(finishedSince: number): Promise<PaperOrderRecord[]> {
    return inTransaction(this.db, async (trx) => {
      await this.forget(trx, finishedSince);
      const rows = await trx.selectFrom('paper_orders').selectAll().where('bot_id', '=', this.botId).orderBy('seq').execute();
      return rows.map(fromRow);
    });
  }

  private async forget(db: Db, before: number): Promise<void> {
    await this.templates.run(db, 'paper.orders.forget', { bot: this.botId, before }, (p) =>
      db.deleteFrom('paper_orders').where('bot_id', '=', p.bot).where('status', '<>', 'open').where('updated_at', '<', p.before),
    );
  }
}

type OrderRow = Omit<Insertable<PaperOrdersTable>, 'seq'>;

/** What str() writes: no exponent, no leading or trailing zeros. */
const CANONICAL = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;

/**
 * The stored text of a decimal: str(dec(v)), but text already in that form (what the broker
 * writes, on every fill) is kept as it is without a round trip through big.js. Throws on a
 * non-decimal, as dec does.
 */
function decimalText(v: string): string {
  return CANONICAL.test(v) ? v : str(dec(v));
}

/** Insert, or on a known id replace what can change (status, fills, amounts, updated_at); `seq` stays, so does the order of restore. */
function upsert(db: Db, values: OrderRow[]) {
  return db
    .insertInto('paper_orders')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['bot_id', 'id']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        filled_base: eb.ref('excluded.filled_base'),
        filled_quote: eb.ref('excluded.filled_quote'),
        average_price: eb.ref('excluded.average_price'),
        fee: eb.ref('excluded.fee'),
        fee_currency: eb.ref('excluded.fee_currency'),
        fills: eb.ref('excluded.fills'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    );
}

function toRow(o: PaperOrderRecord, botId: string): OrderRow {
  const d = decimalText;
  const dn = (v: string | null): string | null => (v === null ? null : d(v));
  return {
    bot_id: botId,
    id: o.id,
    client_order_id: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    status: o.status,
    price: dn(o.price),
    requested_quote: dn(o.requestedQuote),
    requested_base: dn(o.requestedBase),
    filled_base: d(o.filledBase),
    filled_quote: d(o.filledQuote),
    average_price: dn(o.averagePrice),
    fee: d(o.fee),
    fee_currency: o.feeCurrency,
    fills: JSON.stringify(
      o.fills.map((f) => ({ id: f.id, ts: f.ts, price: d(f.price), amount: d(f.amount), cost: d(f.cost), fee: d(f.fee), feeCurrency: f.feeCurrency })),
    ),
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

/** Rows are checked on the way out: a bad value in the table is a bug to surface, not to pass on. */
function fromRow(r: Selectable<PaperOrdersTable>): PaperOrderRecord {
  if (r.type !== 'market' && r.type !== 'limit') throw new Error(`paper order ${r.id}: stored type is ${JSON.stringify(r.type)}`);
  if (r.status !== 'open' && r.status !== 'closed' && r.status !== 'canceled')
    throw new Error(`paper order ${r.id}: stored status is ${JSON.stringify(r.status)}`);
  const d = (v: string): string => str(dec(v));
  const dn = (v: string | null): string | null => (v === null ? null : d(v));
  return {
    id: r.id,
    clientOrderId: r.client_order_id,
    symbol: r.symbol,
    side: toSide(r.side),
    type: r.type,
    status: r.status,
    price: dn(r.price),
    requestedQuote: dn(r.requested_quote),
    requestedBase: dn(r.requested_base),
    filledBase: d(r.filled_base),
    filledQuote: d(r.filled_quote),
    averagePrice: dn(r.average_price),
    fee: d(r.fee),
    feeCurrency: r.fee_currency,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    fills: parseFills(r.id, r.fills),
  };
}

function parseFills(orderId: string, json: string): PaperFillRecord[] {
  const raw: unknown = JSON.parse(json);
  if (!Array.isArray(raw)) throw new Error(`paper order ${orderId}: stored fills are not a list`);
  return raw.map((x: Record<string, unknown>) => {
    const s = (k: string): string => {
      const v = x[k];
      if (typeof v !== 'string') throw new Error(`paper order ${orderId}: stored fill ${k} is not a string`);
      return v;
    };
    if (typeof x['ts'] !== 'number') throw new Error(`paper order ${orderId}: stored fill ts is not a number`);
    return {
      id: s('id'),
      ts: x['ts'],
      price: str(dec(s('price'))),
      amount: str(dec(s('amount'))),
      cost: str(dec(s('cost'))),
      fee: str(dec(s('fee'))),
      feeCurrency: s('feeCurrency'),
    };
  });
}
