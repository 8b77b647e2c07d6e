import type { BrokerRefusal } from '../ports/broker';
import { errorText } from '../ports/logger';
import type { PipelineDeps } from '../pipeline/deps';
import type { TradingStateController } from '../pipeline/trading-state';
import type { BalancesReconciler } from './balances-reconciler';
import type { OrdersFindings, OrdersReconciler } from './orders-reconciler';
import { hasUnsettledOrderOfOurs, type PositionsReconciler } from './positions-reconciler';
import { mergeFindings, noFindings, type ReconcileFindings } from './reconcile-report';

/** How far back the first pass looks for trades of orders we do not know (later passes: since the last one). */
const FIRST_LOOKBACK_MS = 24 * 3_600_000;
const OVERLAP_MS = 60_000;
/** A symbol whose venue trades could not all be read for this long halts entries (RECONCILE.MISMATCH). */
export const UNREAD_TRADES_HALT_MS = 3_600_000;

/**
 * One reconcile pass over every symbol: orders first (they move positions), then the position and
 * the balances against the exchange. A halting mismatch halts entries (RECONCILE.MISMATCH); the
 * next pass that is clean (no halting mismatch, no failed lookup) clears that halt. Runs once at
 * start before any evaluation, then on its own loop.
 *
 * Each symbol keeps where its next pass reads the venue's trades from: since its last pass (less a
 * minute), or — when a pass could not read them all — from where it stopped, so an order only the
 * venue knows (a manual trade) is still adopted once they can be read. A symbol held back for
 * UNREAD_TRADES_HALT_MS halts entries, loudly, rather than re-read a growing range in silence. The
 * cursors are saved as they move (SafetyStateStore) and taken back by `restore()` at start, so a
 * restart reads from where the last pass stopped, however long the bot was down; a symbol never
 * reconciled before looks back 24 h.
 */
export class Reconciliation {
  /** Per symbol: where the next pass reads trades from. */
  private readonly cursors = new Map<string, number>();
  /** Per symbol: when its trades first could not all be read (until a pass reads them). */
  private readonly unreadSince = new Map<string, number>();

  constructor(
    private readonly deps: PipelineDeps,
    private readonly parts: { orders: OrdersReconciler; positions: PositionsReconciler; balances: BalancesReconciler; trading: TradingStateController },
  ) {}

  /** Takes back the cursors saved before a restart (once, before the first pass). */
  async restore(): Promise<void> {
    for (const c of await this.deps.stores.safety.tradeCursors()) {
      if (this.cursors.has(c.symbol)) continue;
      this.cursors.set(c.symbol, c.tradesSince);
      if (c.unreadSince !== null) this.unreadSince.set(c.symbol, c.unreadSince);
    }
  }

  async run(symbols: readonly string[], correlationId: string): Promise<ReconcileFindings> {
    const { clock, broker, bus } = this.deps;
    const started = clock.now();
    let all = noFindings();
    const refused = new Map<BrokerRefusal, string>();
    let signedReadOk = false;
    for (const symbol of symbols) {
      const t0 = clock.now();
      const since = this.cursors.get(symbol) ?? started - FIRST_LOOKBACK_MS;
      const orders = await this.parts.orders.reconcile(symbol, correlationId, since);
      let f: ReconcileFindings = orders;
      await this.advance(symbol, orders, started, f);
      // Read before the balance is asked for: a fill settled in between is then seen, not undone.
      const before = {
        position: await this.deps.stores.positions.get(symbol),
        ourOrderUnsettled: await hasUnsettledOrderOfOurs(this.deps.stores.orders, symbol),
      };
      const balance = await broker.fetchBalance(symbol);
      if (!balance.ok && balance.error.kind === 'fatal' && balance.error.refusal)
        refused.set(balance.error.refusal, `${balance.error.code}: ${balance.error.message}`);
      signedReadOk ||= balance.ok;
      if (balance.ok) {
        f = mergeFindings(f, await this.parts.positions.reconcile(symbol, balance.value, before, correlationId));
        f = mergeFindings(f, await this.parts.balances.reconcile(symbol, balance.value, correlationId));
      } else f.errors.push(`balance: ${balance.error.code}`);
      bus.emit(
        'reconcile.completed',
        { symbol, checked: f.checked, mismatches: f.mismatches, repaired: f.repaired, durationMs: clock.now() - t0 },
        correlationId,
      );
      all = mergeFindings(all, f);
    }
    await this.brokerRefusals(refused, signedReadOk, correlationId);
    if (all.halting.length > 0) await this.parts.trading.halt('RECONCILE.MISMATCH', all.halting.join('; '), 'halted', correlationId);
    else if (all.errors.length === 0) await this.parts.trading.clear('RECONCILE.MISMATCH', 'clean reconcile pass');
    return all;
  }

  /**
   * The venue refusing our signed read (the balance) is not a mismatch: BROKER.AUTH (key, secret,
   * permissions) or BROKER.CLOCK (request time), with the venue's words. A signed read that works
   * again clears them.
   */
  private async brokerRefusals(refused: ReadonlyMap<BrokerRefusal, string>, signedReadOk: boolean, correlationId: string): Promise<void> {
    const halts = {
      auth: ['BROKER.AUTH', 'the exchange refused our API key or secret'],
      clock: ['BROKER.CLOCK', "the exchange refused our request time (the local clock is off and could not be corrected from the exchange's time)"],
    } as const;
    for (const [refusal, [code, what]] of Object.entries(halts) as [BrokerRefusal, (typeof halts)[BrokerRefusal]][]) {
      const detail = refused.get(refusal);
      if (detail !== undefined) await this.parts.trading.halt(code, `${what}: ${detail}`, 'halted', correlationId);
      else if (signedReadOk) await this.parts.trading.clear(code, 'a signed read succeeded');
    }
  }

  /** Moves the symbol's trade cursor, or holds it where the venue could not be read (halting once held too long). */
  private async advance(symbol: string, orders: OrdersFindings, started: number, f: ReconcileFindings): Promise<void> {
    const { rereadFrom, unreadBecause } = orders;
    if (rereadFrom === null) {
      this.cursors.set(symbol, started - OVERLAP_MS);
      this.unreadSince.delete(symbol);
      await this.save(symbol, started - OVERLAP_MS, null);
      return;
    }
    // Never further than a complete pass would move it: the minute of overlap stays.
    const cursor = Math.min(rereadFrom, started - OVERLAP_MS);
    this.cursors.set(symbol, cursor);
    const firstUnreadAt = this.unreadSince.get(symbol) ?? started;
    this.unreadSince.set(symbol, firstUnreadAt);
    await this.save(symbol, cursor, firstUnreadAt);
    if (started - firstUnreadAt >= UNREAD_TRADES_HALT_MS)
      f.halting.push(
        `${symbol}: the venue's trades since ${new Date(rereadFrom).toISOString()} could not all be read for ${Math.round((started - firstUnreadAt) / 60_000)} min (${brief(unreadBecause)}): an order placed on the exchange by hand may be missing from the position`,
      );
  }

  /** A cursor that could not be saved only makes a restart read further back than it must: logged, not fatal. */
  private async save(symbol: string, tradesSince: number, unreadSince: number | null): Promise<void> {
    try {
      await this.deps.stores.safety.saveTradeCursor({ symbol, tradesSince, unreadSince });
    } catch (err) {
      this.deps.logger.warn('saving the reconcile trade cursor failed', { symbol, error: errorText(err) });
    }
  }
}

/** The first few reasons, and how many more: a halt reason stays readable in a log line or an alert. */
function brief(reasons: readonly string[]): string {
  const shown = reasons.slice(0, 3).join('; ');
  return reasons.length > 3 ? `${shown}; +${reasons.length - 3} more` : shown;
}
