import { ZERO } from '@cab/domain';
import type { HaltCode } from '../pipeline/trading-state';
import type { CoreContext } from './core-context';
import type { OrderRecord } from '../ports/orders-repository';
import type { EdgeHaltEvent, OperatorEvent } from './core-events';
import type { OrderEntry } from './core-symbol-state';
import { exitWhole } from './core-exits';
import { refused } from './core-order-path';

/** The exit reason of an operator's force exit (FORCE_EXIT_REASON_PREFIX = `exit FORCE`). */
export const FORCE_EXIT = 'FORCE';

/**
 * Halts only the operator lifts (the resume rules in pipeline/trading-state.ts): RECONCILE.MISMATCH,
 * DMS.STALL and RISK.* keep their own rules — a person clicking "resume" must not trade through a
 * drift the reconcile still sees.
 */
const OPERATOR_CLEARS: readonly HaltCode[] = ['OPERATOR', 'OPERATOR.ENTRIES', 'BROKER.FATAL', 'BROKER.AUTH', 'BROKER.CLOCK', 'STRATEGY.ERROR'];

/** The operator's actions (docs/core.md, "Events in"): stop entries, halt, resume, force exit. */
export function onOperator(ctx: CoreContext, e: OperatorEvent): void {
  const now = ctx.opts.clock.now();
  if (ctx.publishing)
    ctx.publish({
      kind: 'operator',
      ts: now,
      action: e.action,
      actor: e.actor,
      ...(e.action === 'force-exit' ? { symbol: e.symbol } : e.action === 'cancel' ? { clientOrderId: e.clientOrderId } : {}),
    });
  switch (e.action) {
    case 'stop-entries':
      // Its own code, as TradingControl.stopEntries: an operator's halt and "no entries" are lifted together by resume.
      ctx.setHalt('OPERATOR.ENTRIES', 'reducing', now, `entries stopped by ${e.actor}`);
      return;
    case 'halt':
      ctx.setHalt('OPERATOR', 'halted', now, `halted by ${e.actor}`);
      // Entries stop: a buy of ours still working on the venue is cancelled.
      for (const s of ctx.symbols.values())
        for (const { order } of s.unsettled.values())
          if (order.side === 'buy' && order.idempotencyKey !== null && (order.status === 'submitted' || order.status === 'partial'))
            ctx.emit({ kind: 'cancel-order', symbol: s.symbol, clientOrderId: order.clientOrderId, exchangeOrderId: order.exchangeOrderId });
      return;
    case 'resume':
      for (const code of OPERATOR_CLEARS) ctx.clearHalt(code, now);
      return;
    case 'force-exit': {
      const s = ctx.symbols.get(e.symbol);
      if (!s) return;
      const pos = s.position;
      if (pos.openedAt === null || !pos.baseQty.gt(ZERO)) return refused(ctx, s.symbol, 'sell', now, 'force exit: no position');
      const bid = ctx.opts.venue.book(s.symbol, 1)?.bids[0]?.price ?? pos.avgEntry;
      s.exitShadow = false;
      // Its own key suffix and reason text: the decisions pane and trade reasons read "exit FORCE: operator …".
      exitWhole(ctx, s, pos, bid, now, FORCE_EXIT, `operator ${e.actor}`);
      return;
    }
    case 'cancel': {
      const entry = ctx.unsettledById.get(e.clientOrderId) ?? adoptStored(ctx, e.clientOrderId, e.stored);
      // Only an order the venue holds can be cancelled; one still `new` or in flight is settled by its answer or a reconcile.
      if (!entry || (entry.order.status !== 'submitted' && entry.order.status !== 'partial')) return;
      const o = entry.order;
      ctx.emit({ kind: 'cancel-order', symbol: o.symbol, clientOrderId: o.clientOrderId, exchangeOrderId: o.exchangeOrderId });
      return;
    }
  }
}

/** A halt only the edge can see (the lock, the watchdog): kept with the core's own, cleared by the edge that set it. */
export function onEdgeHalt(ctx: CoreContext, e: EdgeHaltEvent): void {
  const now = ctx.opts.clock.now();
  if (e.level === null) ctx.clearHalt(e.code, now);
  else ctx.setHalt(e.code, e.level, now, e.reason);
}

/**
 * A stored working order the core does not hold (the operator may cancel any stored open order): taken up as unsettled, so the cancel's answer — a look — settles it through the
 * one report path (status, fills, position), as a reconcile would. Never one the core settled:
 * its own word is newer than the row read before the event.
 */
function adoptStored(ctx: CoreContext, clientOrderId: string, stored: OrderRecord | undefined): OrderEntry | undefined {
  if (!stored || stored.clientOrderId !== clientOrderId || ctx.recent.has(clientOrderId)) return undefined;
  const s = ctx.symbols.get(stored.symbol);
  if (!s || (stored.status !== 'submitted' && stored.status !== 'partial')) return undefined;
  const entry: OrderEntry = { order: stored, tradeIds: null, inFlightSeq: Number.NaN };
  s.unsettled.set(clientOrderId, entry);
  ctx.unsettledById.set(clientOrderId, entry);
  return entry;
}
