import { dec, str } from '@cab/domain';
import type { OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import { comparePosition } from '../reconciliation/compare-positions';
import type { CoreContext } from './core-context';
import type { ReconcileReportEvent, SymbolReconcile } from './core-events';
import { applyAnswer } from './core-order-reports';
import type { SymbolState } from './core-symbol-state';

// Reconcile: what the venue shows, against the books (docs/core.md, "Events in": a report stamped
// with the core's sequence number when it was requested).

export function onReconcileReport(ctx: CoreContext, e: ReconcileReportEvent): void {
  const now = ctx.opts.clock.now();
  let clean = true;
  for (const r of e.symbols) {
    const s = ctx.symbols.get(r.symbol);
    if (!s) continue;
    // What the venue did is applied whenever it is seen: a look only grows an order.
    for (const dto of r.openOrders) applySeen(ctx, s, dto, now);
    for (const dto of r.observed) applySeen(ctx, s, dto, now);
    // Settled since the request (this report's own looks included): its balance and its
    // "not found" are older than the books — compared with nothing.
    if (s.settledSeq > e.requestedAtSeq) {
      clean = false;
      continue;
    }
    closeNotFound(ctx, s, r, e.requestedAtSeq, now);
    if (!checkPosition(ctx, s, r, now)) clean = false;
  }
  if (clean) ctx.clearHalt('RECONCILE.MISMATCH', now);
}

function applySeen(ctx: CoreContext, s: SymbolState, dto: OrderDTO, now: number): void {
  const coid = dto.clientOrderId;
  const entry = coid === null ? undefined : (ctx.unsettledById.get(coid) ?? ctx.recent.get(coid));
  if (entry && entry.order.symbol === s.symbol) return applyAnswer(ctx, s, entry, dto, now);
  if (ctx.publishing && dto.status === 'open') ctx.publish({ kind: 'foreign-order', ts: now, symbol: s.symbol, exchangeOrderId: dto.id, clientOrderId: coid });
}

/**
 * An order left in flight that the venue does not know, looked up after it went in flight and
 * longer than the grace ago: it never reached the venue (OrdersReconciler's "close"). A `new`
 * order is never closed so: its send has not answered, and the order may still arrive.
 */
function closeNotFound(ctx: CoreContext, s: SymbolState, r: SymbolReconcile, requestedAtSeq: number, now: number): void {
  const grace = ctx.opts.notFoundGraceMs ?? 60_000;
  for (const coid of r.notFound) {
    const entry = s.unsettled.get(coid);
    if (!entry || entry.order.status !== 'in_flight' || !(entry.inFlightSeq <= requestedAtSeq) || now - entry.order.updatedAt < grace) continue;
    const order: OrderRecord = { ...entry.order, status: 'rejected', updatedAt: now };
    entry.order = order;
    ctx.settled(s, entry);
    if (ctx.persisting) ctx.emit({ kind: 'persist', order });
    if (ctx.publishing) ctx.publish({ kind: 'order', ts: now, symbol: s.symbol, order, error: 'not found on the venue: it never arrived' });
  }
}

/**
 * The position against the venue's base balance (free + used), only while no order of ours is
 * unsettled on the symbol (its fills may be in the balance and not in the books yet). Less on
 * the venue halts (RECONCILE.MISMATCH, as a fact: the core repairs nothing); more is base the
 * bot does not manage, reported once. True when it matched.
 */
function checkPosition(ctx: CoreContext, s: SymbolState, r: SymbolReconcile, now: number): boolean {
  if (s.unsettled.size > 0 || !r.balance) return false;
  const inst = ctx.opts.venue.instrument(s.symbol);
  if (!inst) return false;
  const exchange = r.balance.freeBase.plus(r.balance.usedBase);
  const c = comparePosition(s.position.baseQty, exchange, inst.amountStep, ctx.opts.reconcileTolerancePct ?? dec('0.001'));
  if (c.kind === 'match') {
    s.reportedSurplus = '';
    return true;
  }
  const base = r.balance.base;
  if (c.kind === 'surplus') {
    if (s.reportedSurplus !== str(exchange) && ctx.publishing) {
      const detail = `the exchange holds ${str(c.diff)} ${base} the bot does not manage`;
      ctx.publish({ kind: 'mismatch', ts: now, symbol: s.symbol, subject: base, expected: str(c.local), actual: str(exchange), detail, halting: false });
    }
    s.reportedSurplus = str(exchange);
    return true;
  }
  const detail = `the exchange holds ${str(c.diff)} ${base} less than the position`;
  if (ctx.publishing)
    ctx.publish({ kind: 'mismatch', ts: now, symbol: s.symbol, subject: base, expected: str(c.local), actual: str(exchange), detail, halting: true });
  ctx.setHalt('RECONCILE.MISMATCH', 'halted', now, `position ${s.symbol}: ${detail}`);
  return false;
}
