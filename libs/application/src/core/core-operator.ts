import { ZERO } from '@cab/domain';
import type { HaltCode } from '../pipeline/trading-state';
import type { CoreContext } from './core-context';
import type { OperatorEvent } from './core-events';
import { exitWhole } from './core-exits';
import { refused } from './core-order-path';

/** Halts only the operator lifts (TradingStateController's resume rules). */
const OPERATOR_CLEARS: readonly HaltCode[] = ['OPERATOR', 'BROKER.FATAL', 'LOCK.LOST'];

/** The operator's actions (docs/core.md, "Events in"): stop entries, halt, resume, force exit. */
export function onOperator(ctx: CoreContext, e: OperatorEvent): void {
  const now = ctx.opts.clock.now();
  if (ctx.publishing) ctx.publish({ kind: 'operator', ts: now, action: e.action, actor: e.actor, ...(e.action === 'force-exit' ? { symbol: e.symbol } : {}) });
  switch (e.action) {
    case 'stop-entries':
      // Never lowers an operator's halt to "no entries".
      if (ctx.halts.level('OPERATOR') !== 'halted') ctx.setHalt('OPERATOR', 'reducing', now, `entries stopped by ${e.actor}`);
      return;
    case 'halt':
      ctx.setHalt('OPERATOR', 'halted', now, `halted by ${e.actor}`);
      // Entries stop: a buy of ours still working on the venue is cancelled.
      for (const s of ctx.symbols.values())
        for (const { order } of s.unsettled.values())
          if (order.side === 'buy' && (order.status === 'submitted' || order.status === 'partial'))
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
      exitWhole(ctx, s, pos, bid, now, 'OPERATOR.FORCE_EXIT', `by ${e.actor}`);
      return;
    }
  }
}
