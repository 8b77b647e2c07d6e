import type { PipelineDeps } from '../pipeline/deps';
import type { TradingStateController } from '../pipeline/trading-state';
import type { BalancesReconciler } from './balances-reconciler';
import type { OrdersReconciler } from './orders-reconciler';
import type { PositionsReconciler } from './positions-reconciler';
import { mergeFindings, noFindings, type ReconcileFindings } from './reconcile-report';

/** How far back the first pass looks for trades of orders we do not know (later passes: since the last one). */
const FIRST_LOOKBACK_MS = 24 * 3_600_000;
const OVERLAP_MS = 60_000;

/**
 * One reconcile pass over every symbol: orders first (they move positions), then the position and
 * the balances against the exchange. A halting mismatch halts entries (RECONCILE.MISMATCH); the
 * next pass that is clean (no halting mismatch, no failed lookup) clears that halt. Runs once at
 * start before any evaluation, then on its own loop.
 */
export class Reconciliation {
  /** Where the next pass reads trades from; null before the first pass. */
  private nextSince: number | null = null;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly parts: { orders: OrdersReconciler; positions: PositionsReconciler; balances: BalancesReconciler; trading: TradingStateController },
  ) {}

  async run(symbols: readonly string[], correlationId: string): Promise<ReconcileFindings> {
    const { clock, broker, bus } = this.deps;
    const started = clock.now();
    const since = this.nextSince ?? started - FIRST_LOOKBACK_MS;
    let all = noFindings();
    let venueViewComplete = true;
    for (const symbol of symbols) {
      const t0 = clock.now();
      const orders = await this.parts.orders.reconcile(symbol, correlationId, since);
      venueViewComplete &&= orders.venueViewComplete;
      let f: ReconcileFindings = orders;
      const balance = await broker.fetchBalance(symbol);
      if (balance.ok) {
        f = mergeFindings(f, await this.parts.positions.reconcile(symbol, balance.value, correlationId));
        f = mergeFindings(f, await this.parts.balances.reconcile(symbol, balance.value, correlationId));
      } else f.errors.push(`balance: ${balance.error.code}`);
      bus.emit('reconcile.completed', { symbol, checked: f.checked, mismatches: f.mismatches, repaired: f.repaired, durationMs: clock.now() - t0 }, correlationId);
      all = mergeFindings(all, f);
    }
    // A range the venue could not be fully read over is read again next time: an order only the
    // venue knows (a manual trade) is found through its trades, so moving on would lose it.
    this.nextSince = venueViewComplete ? started - OVERLAP_MS : since;
    if (all.halting.length > 0) await this.parts.trading.halt('RECONCILE.MISMATCH', all.halting.join('; '), 'halted', correlationId);
    else if (all.errors.length === 0) await this.parts.trading.clear('RECONCILE.MISMATCH', 'clean reconcile pass');
    return all;
  }
}
