import { ZERO, clientOrderId as deriveClientOrderId, str, type Decimal, type Instrument, type Side } from '@cab/domain';
import type { OrderRecord } from '../ports/orders-repository';
import type { CoreContext } from './core-context';
import type { OrderEntry, SymbolState } from './core-symbol-state';

// The one order path (docs/core.md, "Shape"): every entry, strategy sell, protective exit and
// operator's force exit leaves through placeOrder, so its checks hold for all of them.

/**
 * PlaceOrder's checks against the in-memory state, then the order recorded as unsettled and a
 * PlaceOrder command out — in this same synchronous step, so no later decision can miss it.
 */
export function placeOrder(ctx: CoreContext, s: SymbolState, inst: Instrument, side: Side, requested: Decimal, key: string, reason: string): void {
  const now = ctx.opts.clock.now();
  const symbol = s.symbol;
  // The amount as PlaceOrder checks it before anything is reserved.
  let amount: Decimal;
  if (side === 'buy') {
    const deny = inst.checkQuote(requested);
    if (deny) return refused(ctx, symbol, side, now, `not sent: ${deny.code}`);
    amount = requested;
  } else {
    amount = inst.qty(requested, 'down');
    if (amount.lte(ZERO)) return refused(ctx, symbol, side, now, 'not sent: INSTRUMENT.QTY_NOT_POSITIVE');
  }
  // One order of ours per symbol and side at a time: a second buy would double the entry, a second sell (a stop beside a strategy sell) would sell twice.
  // An adopted order (no key: the bot never sent it) blocks nothing, as PlaceOrder's check in the loops.
  for (const e of s.unsettled.values())
    if (e.order.side === side && e.order.idempotencyKey !== null)
      return refused(ctx, symbol, side, now, `${e.order.clientOrderId} (${e.order.status}) is not settled yet`);
  const pos = s.position;
  // A sell never exceeds the position.
  if (side === 'sell' && amount.gt(pos.baseQty)) return refused(ctx, symbol, side, now, `selling ${str(amount)} exceeds the position ${str(pos.baseQty)}`);
  // An entry never opens a position that is open already.
  if (side === 'buy' && pos.baseQty.gt(ZERO) && pos.openedAt !== null) return refused(ctx, symbol, side, now, 'a position is open already');
  const bucket = Math.floor(now / ctx.opts.bucketMs);
  if (bucket !== s.keysBucket) {
    s.keys.clear();
    s.orderIds.clear();
    s.keysBucket = bucket;
  }
  if (s.keys.has(key)) return refused(ctx, symbol, side, now, `key ${key} is taken`);
  s.keys.add(key);
  const coid = deriveClientOrderId(key, ctx.opts.venue.capabilities.clientOrderIds);
  if (s.orderIds.has(coid)) return refused(ctx, symbol, side, now, `order ${coid} exists already`);
  s.orderIds.add(coid);
  const order: OrderRecord = {
    clientOrderId: coid,
    exchange: ctx.opts.venue.name,
    exchangeOrderId: null,
    symbol,
    side,
    type: 'market',
    requestedQuote: side === 'buy' ? amount : null,
    requestedBase: side === 'sell' ? amount : null,
    status: 'new',
    filledBase: ZERO,
    filledQuote: ZERO,
    averagePrice: null,
    fee: ZERO,
    feeCurrency: null,
    idempotencyKey: key,
    reason,
    createdAt: now,
    updatedAt: now,
  };
  // The risk ledger counts orders per hour from the send.
  ctx.ledger.orderPlaced(now);
  const entry: OrderEntry = { order, tradeIds: null, inFlightSeq: Number.NaN };
  s.unsettled.set(coid, entry);
  ctx.unsettledById.set(coid, entry);
  ctx.emit({ kind: 'place-order', order });
}

export function refused(ctx: CoreContext, symbol: string, side: Side, now: number, reason: string): void {
  if (ctx.publishing) ctx.publish({ kind: 'refused', ts: now, symbol, side, reason });
}
