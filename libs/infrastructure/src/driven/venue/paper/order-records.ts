import { dec, str, type Decimal } from '@cab/domain';
import type { OrderDTO, PaperOrderRecord } from '@cab/application';

/**
 * OrderDTO ⇄ the ledger's PaperOrderRecord (decimal strings), in one place. `price` is the limit
 * price of a resting order: OrderDTO has no field for it, and a restart needs it to know what the
 * order locks.
 */
export function toRecord(o: OrderDTO, price: Decimal | null): PaperOrderRecord {
  if (o.status !== 'open' && o.status !== 'closed' && o.status !== 'canceled') throw new Error(`paper order ${o.id} has status ${o.status}`);
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    status: o.status,
    price: price === null ? null : str(price),
    requestedQuote: o.requestedQuote === null ? null : str(o.requestedQuote),
    requestedBase: o.requestedBase === null ? null : str(o.requestedBase),
    filledBase: str(o.filledBase),
    filledQuote: str(o.filledQuote),
    averagePrice: o.averagePrice === null ? null : str(o.averagePrice),
    fee: str(o.fee),
    feeCurrency: o.feeCurrency,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    fills: o.fills.map((f) => ({
      id: f.id,
      ts: f.ts,
      price: str(f.price),
      amount: str(f.amount),
      cost: str(f.cost),
      fee: str(f.fee),
      feeCurrency: f.feeCurrency,
    })),
  };
}

export function fromRecord(r: PaperOrderRecord): { order: OrderDTO; price: Decimal | null } {
  const order: OrderDTO = {
    id: r.id,
    clientOrderId: r.clientOrderId,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    status: r.status,
    requestedQuote: r.requestedQuote === null ? null : dec(r.requestedQuote),
    requestedBase: r.requestedBase === null ? null : dec(r.requestedBase),
    filledBase: dec(r.filledBase),
    filledQuote: dec(r.filledQuote),
    averagePrice: r.averagePrice === null ? null : dec(r.averagePrice),
    fee: dec(r.fee),
    feeCurrency: r.feeCurrency,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    fills: r.fills.map((f) => ({
      id: f.id,
      orderId: r.id,
      ts: f.ts,
      side: r.side,
      price: dec(f.price),
      amount: dec(f.amount),
      cost: dec(f.cost),
      fee: dec(f.fee),
      feeCurrency: f.feeCurrency,
    })),
  };
  return { order, price: r.price === null ? null : dec(r.price) };
}

/** A deep copy (a store must never share the caller's objects). */
export function copyRecord(r: PaperOrderRecord): PaperOrderRecord {
  return { ...r, fills: r.fills.map((f) => ({ ...f })) };
}
