import type { HaltCode } from '../pipeline/trading-state';
import type { OrderRecord } from '../ports/orders-repository';
import type { CoreContext } from './core-context';
import type { CoreSnapshot } from './core-snapshot';
import type { OrderEntry } from './core-symbol-state';
import { stepOrder } from './order-step';

/** Settled orders put back among the remembered ones, so a late report about one is applied (or ignored) rather than unknown. */
const REMEMBERED = 256;

/**
 * Start-up recovery, the same path as after a crash (docs/core.md, "Drivers"): the store's
 * positions, unsettled orders, halts, the reconcile trade cursors, the risk ledger replayed from the stored orders and the
 * current bucket's idempotency keys, put into the core in one synchronous step; then a reconcile
 * is asked for. Nothing is re-sent: an order the store holds as `new` had its send's answer lost
 * with the process, so it is in flight now (docs/lessons.md #2) and only a reconcile's look — or
 * its "not found" after the grace — settles it.
 */
export function restore(ctx: CoreContext, snap: CoreSnapshot): void {
  const now = ctx.opts.clock.now();
  for (const p of snap.positions) {
    const s = ctx.symbols.get(p.symbol);
    if (s) s.position = p;
  }
  for (const h of snap.halts) ctx.halts.set(h.code as HaltCode, h.level, h.reason, h.since);
  // A restart reads trades from where the last pass stopped, however long the bot was down.
  for (const c of snap.tradeCursors ?? []) {
    const s = ctx.symbols.get(c.symbol);
    if (!s) continue;
    s.tradesSince = c.tradesSince;
    s.unreadSince = c.unreadSince;
  }
  ctx.ledger.replay(snap.recent.filter((o) => ctx.symbols.has(o.symbol)));
  const bucket = Math.floor(now / ctx.opts.bucketMs);
  for (const o of snap.recent) {
    const s = ctx.symbols.get(o.symbol);
    if (!s || Math.floor(o.createdAt / ctx.opts.bucketMs) !== bucket) continue;
    s.keysBucket = bucket;
    if (o.idempotencyKey !== null) s.keys.add(o.idempotencyKey);
    s.orderIds.add(o.clientOrderId);
  }
  const unsettled = new Set<string>();
  for (const { order: stored, tradeIds } of snap.unsettled) {
    const s = ctx.symbols.get(stored.symbol);
    if (!s) continue;
    unsettled.add(stored.clientOrderId);
    let order: OrderRecord = stored;
    if (stored.status === 'new') {
      order = stepOrder(stored, 'unknown', now);
      if (ctx.persisting) ctx.emit({ kind: 'persist', order });
      if (ctx.publishing)
        ctx.publish({ kind: 'order', ts: now, symbol: s.symbol, order, before: stored, error: 'its send was not answered before the restart: in flight' });
    }
    const entry: OrderEntry = {
      order,
      tradeIds: tradeIds.length > 0 ? new Set(tradeIds) : null,
      inFlightSeq: order.status === 'in_flight' ? ctx.sequence : Number.NaN,
    };
    s.unsettled.set(order.clientOrderId, entry);
    ctx.unsettledById.set(order.clientOrderId, entry);
  }
  for (const o of snap.recent.slice(-REMEMBERED))
    if (!unsettled.has(o.clientOrderId) && ctx.symbols.has(o.symbol)) ctx.recent.set(o.clientOrderId, { order: o, tradeIds: null, inFlightSeq: Number.NaN });
  ctx.emit({ kind: 'request-reconcile', requestedAtSeq: ctx.sequence, reason: 'start-up' });
}
