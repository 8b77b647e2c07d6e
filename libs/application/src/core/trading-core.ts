import type { Candle } from '@cab/domain';
import type { OrderRecord } from '../ports/orders-repository';
import type { PositionRecord } from '../ports/positions-repository';
import type { RiskLedger } from '../risk-state/risk-ledger';
import { emptyPosition } from '../use-cases/fill-accounting';
import type { CoreCommand } from './core-commands';
import { CoreContext } from './core-context';
import { evaluate } from './core-evaluate';
import type { CoreEvent } from './core-events';
import { protectiveExit } from './core-exits';
import type { CoreHalts } from './core-halts';
import { onEdgeHalt, onOperator } from './core-operator';
import type { CoreFill, TradingCoreOptions } from './core-options';
import { onOrderReport } from './core-order-reports';
import { onAdoptionStored, onReconcileReport } from './core-reconcile';
import { restore } from './core-restore';
import type { CoreSnapshot } from './core-snapshot';
import { newSymbolState } from './core-symbol-state';

export type { CoreFill, TradingCoreOptions } from './core-options';

/** What `handle` returns when a step decided nothing: one shared empty array, so a quiet candle allocates nothing. */
const NO_COMMANDS: readonly CoreCommand[] = Object.freeze([]);

/**
 * The trading core (docs/core.md): ONE writer over in-memory state — per symbol the strategy, the
 * position, our unsettled orders, the bucket's idempotency keys, exit state — plus the RiskLedger
 * and the halts. `handle(event)` runs synchronously and to completion and returns the commands
 * the driver carries out: PlaceOrder (the order is unsettled in the core from that moment, so the
 * next decision sees it), CancelOrder, Persist, Publish. The answers come back as OrderReportEvent
 * events. A candle runs one evaluation and then one exit check on it (core-evaluate.ts,
 * core-exits.ts, the order path's checks, the reports' accounting). No decision reads state across
 * an await, so the races the loop pipeline it replaced patched one by one cannot be written here: an in-flight buy bought again, a stop and a strategy sell both selling, a sell
 * above the position.
 *
 * Each kind of event has its own file of handlers over the shared state (CoreContext): the
 * evaluation (core-evaluate), the exits (core-exits), the one order path (core-order-path), the
 * venue's reports (core-order-reports), reconcile (core-reconcile), the operator (core-operator).
 *
 * Fills also go to `fills` (with the order's reason) for a backtest's report.
 */
export class TradingCore {
  readonly ledger: RiskLedger;
  readonly halts: CoreHalts;
  readonly fills: CoreFill[];
  private readonly ctx: CoreContext;

  constructor(opts: TradingCoreOptions) {
    const ctx = (this.ctx = new CoreContext(opts));
    this.ledger = ctx.ledger;
    this.halts = ctx.halts;
    this.fills = ctx.fills;
    const now = opts.clock.now();
    for (const symbol of opts.symbols) ctx.symbols.set(symbol, newSymbolState(symbol, opts.strategy.create(), emptyPosition(symbol, now)));
  }

  /** The number of the last event handled (0 before the first): stamp a reconcile request with it. */
  get seq(): number {
    return this.ctx.sequence;
  }

  /** The symbols the core trades. */
  get symbols(): readonly string[] {
    return this.ctx.opts.symbols;
  }

  /** The core's clock now (virtual in a backtest). */
  now(): number {
    return this.ctx.opts.clock.now();
  }

  /** Every symbol's position as the core holds it. */
  positions(): IterableIterator<PositionRecord> {
    return this.ctx.positions();
  }

  /** The position as the core holds it. */
  position(symbol: string): PositionRecord {
    return this.ctx.state(symbol).position;
  }

  /** Our orders on the symbol that are sent and not settled (new, submitted, partial, in flight). */
  unsettled(symbol: string): OrderRecord[] {
    return [...this.ctx.state(symbol).unsettled.values()].map((e) => e.order);
  }

  /**
   * What a reconcile pass must know of the symbol when it is asked for (ReconcilePump reads it
   * synchronously with `seq`): our unsettled orders to look up, where its trades are read from
   * (null: never reconciled), and the exchange ids of the orders the core holds — an order behind a
   * trade that is none of them is fetched by its exchange id.
   */
  reconcileView(symbol: string): { unsettled: OrderRecord[]; tradesSince: number | null; knownExchangeIds: Set<string> } {
    const s = this.ctx.state(symbol);
    const known = new Set<string>();
    for (const e of s.unsettled.values()) if (e.order.exchangeOrderId !== null) known.add(e.order.exchangeOrderId);
    for (const e of this.ctx.recent.values()) if (e.order.symbol === symbol && e.order.exchangeOrderId !== null) known.add(e.order.exchangeOrderId);
    return { unsettled: this.unsettled(symbol), tradesSince: s.tradesSince, knownExchangeIds: known };
  }

  /** One of our orders by client order id, while the core remembers it (unsettled, or among the last settled). */
  order(clientOrderId: string): OrderRecord | null {
    return (this.ctx.unsettledById.get(clientOrderId) ?? this.ctx.recent.get(clientOrderId))?.order ?? null;
  }

  /** Starts the symbol's strategy over from these closed candles (a warm-up), deciding nothing. */
  seed(symbol: string, history: readonly Candle[]): void {
    const s = this.ctx.state(symbol);
    s.strategy.reset();
    for (const c of history) s.strategy.update(c);
  }

  /** Feeds one more closed candle to the symbol's strategy, deciding nothing. */
  feed(symbol: string, candle: Candle): void {
    this.ctx.state(symbol).strategy.update(candle);
  }

  /**
   * Start-up recovery (core-restore.ts): the store's snapshot put into a core that has handled no
   * event yet, as one step of its own; returns its commands — a `request-reconcile`, and a Persist
   * for each order whose send was not answered before the restart (now in flight).
   */
  restore(snapshot: CoreSnapshot): readonly CoreCommand[] {
    const ctx = this.ctx;
    if (ctx.sequence !== 0) throw new RangeError('restore only into a core that has handled no event');
    ctx.sequence++;
    restore(ctx, snapshot);
    const out = ctx.out ?? NO_COMMANDS;
    ctx.out = null;
    return out;
  }

  /** One event, handled to the end: the commands to carry out, in order (the same empty array when none). */
  handle(e: CoreEvent): readonly CoreCommand[] {
    const ctx = this.ctx;
    ctx.sequence++;
    switch (e.kind) {
      case 'candle-closed': {
        const s = ctx.state(e.symbol);
        s.strategy.update(e.candle);
        evaluate(ctx, s, e.quote, e.timeframeMs);
        protectiveExit(ctx, s, e.quote);
        break;
      }
      case 'evaluate':
        evaluate(ctx, ctx.state(e.symbol), e.quote, e.timeframeMs);
        break;
      case 'quote':
        protectiveExit(ctx, ctx.state(e.symbol), e.quote);
        break;
      case 'order-report':
        onOrderReport(ctx, e);
        break;
      case 'reconcile-report':
        onReconcileReport(ctx, e);
        break;
      case 'adoption-stored':
        onAdoptionStored(ctx, e);
        break;
      case 'operator':
        onOperator(ctx, e);
        break;
      case 'edge-halt':
        onEdgeHalt(ctx, e);
        break;
    }
    const out = ctx.out;
    if (out === null) return NO_COMMANDS;
    ctx.out = null;
    return out;
  }
}
