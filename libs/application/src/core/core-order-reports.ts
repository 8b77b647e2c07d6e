import { instrumentDust, isTerminal } from '@cab/domain';
import type { BrokerError, OrderDTO } from '../ports/broker';
import type { FillRecord } from '../ports/fills-repository';
import type { OrderRecord } from '../ports/orders-repository';
import { applyToPosition, settleOrder } from '../use-cases/fill-accounting';
import type { CoreContext } from './core-context';
import type { OrderReportEvent } from './core-events';
import type { OrderBefore } from './core-output';
import type { OrderEntry, SymbolState } from './core-symbol-state';
import { stepOrder } from './order-step';

// Reports: the venue's word on our orders (docs/core.md, "Events in"): the answer to a send, or any
// later look. A look only grows an order; a fill counts once by trade id (docs/lessons.md #11).

export function onOrderReport(ctx: CoreContext, e: OrderReportEvent): void {
  const now = ctx.opts.clock.now();
  const entry = ctx.unsettledById.get(e.clientOrderId) ?? ctx.recent.get(e.clientOrderId);
  if (!entry) {
    if (ctx.publishing) ctx.publish({ kind: 'unknown-report', ts: now, clientOrderId: e.clientOrderId });
    return;
  }
  const s = ctx.state(entry.order.symbol);
  if (e.result.ok) applyAnswer(ctx, s, entry, e.result.value, now);
  else if (e.answer === 'send') applyError(ctx, s, entry, e.result.error, now);
  else if (ctx.publishing) {
    const err = e.result.error;
    ctx.publish({
      kind: 'order',
      ts: now,
      symbol: s.symbol,
      order: entry.order,
      before: entry.order,
      error: `look failed: ${err.kind} ${err.code}: ${err.message}`,
    });
  }
}

/** A look at the order applied (the domain's order life and position accounting): its status, its new fills by trade id, the position, the ledger. */
export function applyAnswer(ctx: CoreContext, s: SymbolState, entry: OrderEntry, dto: OrderDTO, now: number, before: OrderBefore = entry.order): void {
  const inst = ctx.opts.venue.instrument(s.symbol);
  if (!inst) return;
  const local = entry.order;
  const st = settleOrder(local, dto, inst, now);
  const order: OrderRecord = { ...local, ...st.patch };
  entry.order = order;
  // Whatever the answer, the next exit check is exact (the position may have moved).
  s.exitShadow = false;
  let fresh: FillRecord[] | null = null;
  for (const f of st.fills) {
    const ids = entry.tradeIds ?? (entry.tradeIds = new Set());
    if (ids.has(f.tradeId)) continue;
    ids.add(f.tradeId);
    if (ctx.persisting) (fresh ??= []).push(f);
    ctx.fills.push({ fill: f, reason: local.reason ?? '' });
  }
  if (st.delta) {
    const change = applyToPosition(s.position, st.delta, now, instrumentDust(inst));
    s.position = { ...change.position, version: s.position.version + 1 };
    s.settledSeq = ctx.sequence;
    if (change.outcome) ctx.ledger.filled(s.symbol, st.delta, change.outcome);
  }
  if (isTerminal(order.status)) ctx.settled(s, entry);
  if (ctx.persisting) ctx.emit({ kind: 'persist', order, ...(fresh ? { fills: fresh } : {}), ...(st.delta ? { position: s.position } : {}) });
  if (ctx.publishing) ctx.publish({ kind: 'order', ts: now, symbol: s.symbol, order, before });
}

/**
 * An error as the answer to the send: refused (the key stays taken unless retryable; fatal
 * halts) or, when ambiguous, in flight — never re-sent. Only while the order is `new`: a look
 * that came first (a reconcile found it on the venue) keeps its word, as PlaceOrder's
 * compare-and-set on `new` does.
 */
function applyError(ctx: CoreContext, s: SymbolState, entry: OrderEntry, error: BrokerError, now: number): void {
  const text = `${error.kind} ${error.code}: ${error.message}`;
  const local = entry.order;
  if (local.status !== 'new') {
    if (ctx.publishing) ctx.publish({ kind: 'order', ts: now, symbol: s.symbol, order: local, before: local, error: text });
    return;
  }
  // Ambiguous: the venue may have it (new → in_flight); any other error: refused (new → rejected).
  const order = stepOrder(local, error.kind === 'ambiguous' ? 'unknown' : 'rejected', now);
  entry.order = order;
  if (order.status === 'in_flight') entry.inFlightSeq = ctx.sequence;
  else {
    if (error.kind === 'retryable' && local.idempotencyKey !== null) s.keys.delete(local.idempotencyKey);
    ctx.settled(s, entry);
  }
  if (ctx.persisting) ctx.emit({ kind: 'persist', order });
  if (ctx.publishing) ctx.publish({ kind: 'order', ts: now, symbol: s.symbol, order, before: local, error: text });
  if (error.kind === 'fatal') ctx.setHalt('BROKER.FATAL', 'halted', now, text);
}
