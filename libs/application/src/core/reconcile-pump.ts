import type { BalanceDTO, Broker, OrderDTO } from '../ports/broker';
import type { Scheduler } from '../ports/scheduler';
import { isNotFound } from '../reconciliation/compare-orders';
import type { CoreEvent, SymbolReconcile } from './core-events';
import type { EdgeStatus } from './edge-status';
import type { TradingCore } from './trading-core';

export interface ReconcilePumpOptions {
  symbols: readonly string[];
  broker: Pick<Broker, 'fetchOpenOrders' | 'fetchOrder' | 'fetchBalance'>;
  /** Read synchronously when a pass is asked for: the sequence number and the unsettled orders to look at. */
  core: Pick<TradingCore, 'seq' | 'unsettled'>;
  /** EventDriver.enqueue. */
  enqueue: (e: CoreEvent) => void;
  /** A read that failed (the report then says less: see `request`). */
  onStatus?: (s: EdgeStatus) => void;
  /** The clock of the statuses. */
  now: () => number;
}

/**
 * The reconcile edge of the EventDriver (docs/core.md, "Events in"): on a timer or a
 * RequestReconcile command, reads per symbol the venue's open orders, each unsettled order of
 * ours by client order id, and the balances, and hands them to the core as ONE ReconcileReport
 * stamped with the core's sequence number at the moment of the request — taken, with the list
 * of orders to look at, before the first await, so whatever the core settles while the reads are
 * out is newer than the report and is not compared with it. A failed read leaves its part out:
 * no balance (null); an order whose lookup failed neither observed nor not found; and when the
 * open orders could not be read, no "not found" at all (without the full view it proves nothing,
 * as OrdersReconciler says).
 */
export class ReconcilePump {
  constructor(private readonly opts: ReconcilePumpOptions) {}

  /** A pass every `intervalMs` on the scheduler (task `core.reconcile`). */
  start(scheduler: Scheduler, intervalMs: number): void {
    scheduler.every('core.reconcile', intervalMs, () => this.request());
  }

  /** One pass; `requestedAtSeq` defaults to the core's sequence number now (a RequestReconcile carries its own). */
  async request(requestedAtSeq: number = this.opts.core.seq): Promise<void> {
    const looks = this.opts.symbols.map((symbol) => ({ symbol, unsettled: this.opts.core.unsettled(symbol).map((o) => o.clientOrderId) }));
    const symbols: SymbolReconcile[] = [];
    for (const { symbol, unsettled } of looks) symbols.push(await this.look(symbol, unsettled));
    this.opts.enqueue({ kind: 'reconcile-report', requestedAtSeq, symbols });
  }

  private async look(symbol: string, unsettled: readonly string[]): Promise<SymbolReconcile> {
    const { broker } = this.opts;
    const open = await broker.fetchOpenOrders(symbol);
    if (!open.ok) this.status(symbol, `open orders: ${open.error.code}: ${open.error.message}`);
    const observed: OrderDTO[] = [];
    const notFound: string[] = [];
    for (const clientOrderId of unsettled) {
      const r = await broker.fetchOrder(symbol, { clientOrderId });
      if (r.ok) observed.push(r.value);
      else if (isNotFound(r)) {
        if (open.ok) notFound.push(clientOrderId);
      } else this.status(symbol, `order ${clientOrderId}: ${r.error.code}: ${r.error.message}`);
    }
    const b = await broker.fetchBalance(symbol);
    let balance: BalanceDTO | null = null;
    if (b.ok) balance = b.value;
    else this.status(symbol, `balance: ${b.error.code}: ${b.error.message}`);
    return { symbol, openOrders: open.ok ? open.value : [], observed, notFound, balance };
  }

  private status(symbol: string, detail: string): void {
    this.opts.onStatus?.({ source: 'reconcile', symbol, state: 'unavailable', detail, at: this.opts.now() });
  }
}
