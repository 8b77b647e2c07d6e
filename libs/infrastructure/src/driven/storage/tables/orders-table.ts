import type { OrderInsertResult, OrderPatch, OrderQuery, OrderRecord, OrdersRepository } from '@cab/application';
import { dec, str, type OrderStatus } from '@cab/domain';
import type { Selectable, Updateable } from 'kysely';
import type { OrdersTable } from '../schema';
import { QueryTemplates } from './query-templates';
import type { WriteAheadIndex } from '../sqlite/write-ahead-index';
import { clampLimit, decOrNull, DEFAULT_BOT_ID, strOrNull, toOrderStatus, toSide, type Db } from './support';

const OPEN_STATUSES: readonly OrderStatus[] = ['new', 'submitted', 'in_flight', 'partial'];

export function orderToRow(o: OrderRecord, botId: string): OrdersTable {
  return {
    bot_id: botId,
    client_order_id: o.clientOrderId,
    exchange: o.exchange,
    exchange_order_id: o.exchangeOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    requested_quote: strOrNull(o.requestedQuote),
    requested_base: strOrNull(o.requestedBase),
    status: o.status,
    filled_base: str(o.filledBase),
    filled_quote: str(o.filledQuote),
    average_price: strOrNull(o.averagePrice),
    fee: str(o.fee),
    fee_currency: o.feeCurrency,
    idempotency_key: o.idempotencyKey,
    reason: o.reason,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

export function rowToOrder(r: Selectable<OrdersTable>): OrderRecord {
  const type = r.type;
  if (type !== 'market' && type !== 'limit') throw new Error(`stored order type is unknown: ${JSON.stringify(type)}`);
  return {
    clientOrderId: r.client_order_id,
    exchange: r.exchange,
    exchangeOrderId: r.exchange_order_id,
    symbol: r.symbol,
    side: toSide(r.side),
    type,
    requestedQuote: decOrNull(r.requested_quote),
    requestedBase: decOrNull(r.requested_base),
    status: toOrderStatus(r.status),
    filledBase: dec(r.filled_base),
    filledQuote: dec(r.filled_quote),
    averagePrice: decOrNull(r.average_price),
    fee: dec(r.fee),
    feeCurrency: r.fee_currency,
    idempotencyKey: r.idempotency_key,
    reason: r.reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * ON CONFLICT DO NOTHING + RETURNING: a duplicate (client or exchange order id) returns no row and
 * never aborts the transaction. Shared with SQLite's prepared write-ahead (sqlite/sqlite-write-ahead.ts).
 */
export function insertOrderQuery(db: Db, row: OrdersTable) {
  return db
    .insertInto('orders')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('client_order_id');
}

function patchToRow(p: OrderPatch): Updateable<OrdersTable> {
  const row: Updateable<OrdersTable> = { updated_at: p.updatedAt };
  if (p.exchangeOrderId !== undefined) row.exchange_order_id = p.exchangeOrderId;
  if (p.status !== undefined) row.status = p.status;
  if (p.filledBase !== undefined) row.filled_base = str(p.filledBase);
  if (p.filledQuote !== undefined) row.filled_quote = str(p.filledQuote);
  if (p.averagePrice !== undefined) row.average_price = strOrNull(p.averagePrice);
  if (p.fee !== undefined) row.fee = str(p.fee);
  if (p.feeCurrency !== undefined) row.fee_currency = p.feeCurrency;
  if (p.reason !== undefined) row.reason = p.reason;
  return row;
}

export class SqlOrdersRepository implements OrdersRepository {
  constructor(
    private readonly db: Db,
    private readonly templates: QueryTemplates = new QueryTemplates(),
    /** Every row written carries it; every read is scoped to it (docs/postgres.md, "BOT_ID"). */
    private readonly botId: string = DEFAULT_BOT_ID,
    /** The write-ahead's refusals (SQLite's intent log): told of every id this repository writes. */
    private readonly index: WriteAheadIndex | null = null,
  ) {}

  async insert(order: OrderRecord): Promise<OrderInsertResult> {
    // ON CONFLICT DO NOTHING + RETURNING: a duplicate is reported, not thrown, and the statement
    // never aborts the caller's transaction (Postgres would abort it on a unique violation).
    const row = orderToRow(order, this.botId);
    const [inserted] = await this.templates.run(this.db, 'orders.insert', row, (r) => insertOrderQuery(this.db, r));
    if (inserted) {
      this.index?.orderWritten(row);
      return { ok: true };
    }
    const sameClientId = await this.byClientOrderId(order.clientOrderId);
    if (sameClientId) {
      return { ok: false, code: 'ORDER.DUPLICATE_CLIENT_ID', message: `order ${order.clientOrderId} already exists` };
    }
    return {
      ok: false,
      code: 'ORDER.DUPLICATE_EXCHANGE_ID',
      message: `${order.exchange} order ${order.exchangeOrderId ?? '?'} is already stored under another client order id`,
    };
  }

  async update(clientOrderId: string, patch: OrderPatch, expectedStatus?: OrderStatus): Promise<OrderRecord | null> {
    const set = patchToRow(patch);
    const cas = expectedStatus !== undefined;
    // The SQL depends on which fields are patched and whether the status is compared.
    const shape = `orders.update:${Object.keys(set).join(',')}${cas ? ':cas' : ''}`;
    const params: Record<string, unknown> = { ...set, $bot: this.botId, $id: clientOrderId };
    if (cas) params['$expected'] = expectedStatus;
    const [row] = await this.templates.run(this.db, shape, params, (p) => {
      const { $bot, $id, $expected, ...changes } = p;
      let q = this.db
        .updateTable('orders')
        .set(changes as Updateable<OrdersTable>)
        .where('bot_id', '=', $bot as string)
        .where('client_order_id', '=', $id as string);
      if (cas) q = q.where('status', '=', $expected as OrderStatus);
      return q.returningAll();
    });
    if (row && row.exchange_order_id !== null) this.index?.exchangeIdWritten(row.exchange, row.exchange_order_id);
    return row ? rowToOrder(row) : null;
  }

  async byClientOrderId(clientOrderId: string): Promise<OrderRecord | null> {
    const [row] = await this.templates.run(this.db, 'orders.byClientOrderId', { bot: this.botId, clientOrderId }, (p) =>
      this.db.selectFrom('orders').selectAll().where('bot_id', '=', p.bot).where('client_order_id', '=', p.clientOrderId),
    );
    return row ? rowToOrder(row) : null;
  }

  async byExchangeOrderId(exchange: string, exchangeOrderId: string): Promise<OrderRecord | null> {
    const [row] = await this.templates.run(this.db, 'orders.byExchangeOrderId', { bot: this.botId, exchange, exchangeOrderId }, (p) =>
      this.db
        .selectFrom('orders')
        .selectAll()
        .where('bot_id', '=', p.bot)
        .where('exchange', '=', p.exchange)
        .where('exchange_order_id', '=', p.exchangeOrderId),
    );
    return row ? rowToOrder(row) : null;
  }

  async open(symbol?: string): Promise<OrderRecord[]> {
    // Compiled once (QueryTemplates): every reconcile pass reads the open orders twice per symbol.
    const open = (bot: string) => this.db.selectFrom('orders').selectAll().where('bot_id', '=', bot).where('status', 'in', OPEN_STATUSES);
    const rows =
      symbol === undefined
        ? await this.templates.run(this.db, 'orders.open', { bot: this.botId }, (p) =>
            open(p.bot).orderBy('created_at', 'asc').orderBy('client_order_id', 'asc'),
          )
        : await this.templates.run(this.db, 'orders.openOf', { bot: this.botId, symbol }, (p) =>
            open(p.bot).where('symbol', '=', p.symbol).orderBy('created_at', 'asc').orderBy('client_order_id', 'asc'),
          );
    return rows.map(rowToOrder);
  }

  async find(query: OrderQuery = {}): Promise<OrderRecord[]> {
    let q = this.db.selectFrom('orders').selectAll().where('bot_id', '=', this.botId);
    if (query.symbol !== undefined) q = q.where('symbol', '=', query.symbol);
    if (query.statuses !== undefined) {
      if (query.statuses.length === 0) return [];
      q = q.where('status', 'in', query.statuses);
    }
    if (query.since !== undefined) q = q.where('created_at', '>=', query.since);
    const rows = await q.orderBy('created_at', 'desc').orderBy('client_order_id', 'desc').limit(clampLimit(query.limit)).execute();
    return rows.map(rowToOrder);
  }
}
