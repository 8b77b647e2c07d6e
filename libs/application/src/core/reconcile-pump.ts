import type { BalanceDTO, Broker, OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import { isNotFoundOn } from '../ports/venue-capabilities';
import type { CoreEvent, SymbolReconcile, TradesRead } from './core-events';
import type { EdgeStatus } from './edge-status';
import type { TradingCore } from './trading-core';
import { tradesLookBack, UNFETCHED_ORDER_MARGIN_MS } from './venue-lookups';

export interface ReconcilePumpOptions {
  symbols: readonly string[];
  broker: Pick<Broker, 'capabilities' | 'fetchOpenOrders' | 'fetchOrder' | 'fetchBalance' | 'fetchMyTrades'>;
  /** Read synchronously when a pass is asked for: the sequence number, and per symbol what to look at (TradingCore.reconcileView). */
  core: Pick<TradingCore, 'seq' | 'reconcileView'>;
  /** EventDriver.enqueue. */
  enqueue: (e: CoreEvent) => void;
  /** A read that failed (the report then says less: see `request`). */
  onStatus?: (s: EdgeStatus) => void;
  /** The clock of the statuses and of the trade cursors (a pass's start). */
  now: () => number;
  /**
   * Whether the store holds an order by this exchange id (OrdersRepository.byExchangeOrderId): an
   * order behind a trade that the core no longer remembers but the books have is not fetched, so it
   * is not adopted twice (the loops looked it up in the store the same way).
   */
  stored?: (exchangeOrderId: string) => Promise<boolean>;
}

type View = ReturnType<TradingCore['reconcileView']>;

/**
 * The reconcile edge of the EventDriver (docs/core.md, "Events in"): on a timer or a
 * RequestReconcile command, reads per symbol the venue's open orders, each unsettled order of
 * ours (by exchange id once we know it — Gate forgets a client id about an hour after the order
 * finished — else by client order id), the venue's trades since the symbol's cursor and the
 * orders behind them the core does not know (by exchange id), and the balances, and hands them to
 * the core as ONE ReconcileReport stamped with the core's sequence number at the moment of the
 * request — taken, with what to look at, before the first await, so whatever the core settles
 * while the reads are out is newer than the report and is not compared with it. The core decides
 * everything (adoption, the cursor, repairs); the pump only reads. A failed read leaves its part
 * out and says so: no balance (null); an order whose lookup failed neither observed nor not found;
 * trades or an order behind one that could not be read are `unread` (the core holds the cursor);
 * and without the full view (open orders, trades) an order we never heard back about is not "not
 * found" (without the full view it proves nothing).
 */
export class ReconcilePump {
  constructor(private readonly opts: ReconcilePumpOptions) {}

  /** One pass; `requestedAtSeq` defaults to the core's sequence number now (a RequestReconcile carries its own). */
  async request(requestedAtSeq: number = this.opts.core.seq): Promise<void> {
    const startedAt = this.opts.now();
    const looks = this.opts.symbols.map((symbol) => ({ symbol, view: this.opts.core.reconcileView(symbol) }));
    const symbols: SymbolReconcile[] = [];
    for (const { symbol, view } of looks) symbols.push(await this.look(symbol, view, startedAt));
    this.opts.enqueue({ kind: 'reconcile-report', requestedAtSeq, symbols });
  }

  private async look(symbol: string, view: View, startedAt: number): Promise<SymbolReconcile> {
    const { broker } = this.opts;
    const open = await broker.fetchOpenOrders(symbol);
    if (!open.ok) this.status(symbol, `open orders: ${open.error.code}: ${open.error.message}`);
    const observed: OrderDTO[] = [];
    const notFoundOurs: OrderRecord[] = [];
    for (const o of view.unsettled) {
      const ref = o.exchangeOrderId !== null ? { id: o.exchangeOrderId } : { clientOrderId: o.clientOrderId };
      const r = await broker.fetchOrder(symbol, ref);
      if (r.ok) observed.push(r.value);
      else if (isNotFoundOn(broker.capabilities, r)) notFoundOurs.push(o);
      else this.status(symbol, `order ${o.clientOrderId}: ${r.error.code}: ${r.error.message}`);
    }
    const seen = new Set([...(open.ok ? open.value : []), ...observed].map((o) => o.id));
    const trades = await this.trades(symbol, view, startedAt, seen);
    // "Not found" proves nothing without the full view: an order we never heard back about may be behind a trade we could not read.
    const fullView = open.ok && trades.unread.length === 0;
    const notFound: string[] = [];
    for (const o of notFoundOurs) {
      if (!open.ok) continue;
      if (o.exchangeOrderId !== null || fullView) notFound.push(o.clientOrderId);
      else this.status(symbol, `${o.clientOrderId}: not found by client order id, and the venue's orders and trades could not all be read: not closed`);
    }
    const b = await broker.fetchBalance(symbol);
    let balance: BalanceDTO | null = null;
    if (b.ok) balance = b.value;
    else this.status(symbol, `balance: ${b.error.code}: ${b.error.message}`);
    return { symbol, openOrders: open.ok ? open.value : [], observed, notFound, balance, trades };
  }

  /** The venue's trades since the symbol's look-back, and each order behind them that is neither known to the core nor seen already. */
  private async trades(symbol: string, view: View, startedAt: number, seen: ReadonlySet<string>): Promise<TradesRead> {
    const { broker } = this.opts;
    const since = tradesLookBack(
      view.tradesSince,
      startedAt,
      view.unsettled.filter((o) => o.exchangeOrderId === null).map((o) => o.createdAt),
    );
    const read = await broker.fetchMyTrades(symbol, since);
    if (!read.ok) {
      const why = `trades: ${read.error.code}`;
      this.status(symbol, `${why}: ${read.error.message}`);
      return { startedAt, since, fills: [], orders: [], unread: [{ from: since, why }] };
    }
    const firstTradeAt = new Map<string, number>();
    for (const t of read.value) firstTradeAt.set(t.orderId, Math.min(t.ts, firstTradeAt.get(t.orderId) ?? Infinity));
    const orders: OrderDTO[] = [];
    const unread: { from: number; why: string }[] = [];
    for (const [id, first] of firstTradeAt) {
      if (seen.has(id) || view.knownExchangeIds.has(id) || (await this.isStored(id))) continue;
      const o = await broker.fetchOrder(symbol, { id });
      if (o.ok) orders.push(o.value);
      else {
        const why = `order ${id}: ${o.error.code}`;
        this.status(symbol, `${why}: ${o.error.message}`);
        unread.push({ from: first - UNFETCHED_ORDER_MARGIN_MS, why });
      }
    }
    return { startedAt, since, fills: read.value, orders, unread };
  }

  /** A store read that fails says nothing: the order is fetched, and an adoption the store then refuses is held, not lost. */
  private async isStored(exchangeOrderId: string): Promise<boolean> {
    try {
      return (await this.opts.stored?.(exchangeOrderId)) ?? false;
    } catch {
      return false;
    }
  }

  private status(symbol: string, detail: string): void {
    this.opts.onStatus?.({ source: 'reconcile', symbol, state: 'unavailable', detail, at: this.opts.now() });
  }
}
