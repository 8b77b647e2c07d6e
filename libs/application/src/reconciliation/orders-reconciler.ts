import { ZERO, type OrderStatus } from '@cab/domain';
import type { OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import type { PipelineDeps } from '../pipeline/deps';
import type { InstrumentCache } from '../use-cases/instruments';
import type { OrderSettler } from '../use-cases/order-settler';
import { adoptedClientOrderId, classifyLookup, unknownOrders, venueMatch } from './compare-orders';
import { noFindings, type ReconcileFindings, type ReconcileReporter } from './reconcile-report';
import { recordVenueTrades } from './record-venue-trades';

/** What the orders pass found, and where the next pass must read trades from if this one could not read them all. */
export interface OrdersFindings extends ReconcileFindings {
  /**
   * null: every trade of the range was read and every order behind them taken in. Else the time to
   * read trades from again: the range's start when the trades (or the instrument) could not be
   * read, or just before the first trade of an order behind them that could not be fetched or
   * adopted. The range is the look-back actually read, which reaches further back than
   * `tradesSince` while an order we never heard back about is open.
   */
  rereadFrom: number | null;
  /** Why (the failed reads, at most a few): for the halt a long hold raises. */
  unreadBecause: string[];
}

/** What of a pass's trade range was not taken in, and why. */
class Unread {
  from: number | null = null;
  readonly why: string[] = [];
  mark(from: number, why: string): void {
    this.from = this.from === null ? from : Math.min(this.from, from);
    this.why.push(why);
  }
}

export interface OrdersReconcilerOptions {
  settler: OrderSettler;
  instruments: InstrumentCache;
  reporter: ReconcileReporter;
  /** How long an order unseen on the exchange may still be in transit before it is closed. */
  notFoundGraceMs: number;
}

/**
 * Our open and in-flight orders vs the exchange, by client order id (docs/lessons.md #1, 2): each is looked
 * up and settled through the same OrderSettler as a live answer (fills deduplicated, position moved
 * once). Orders found only on the exchange (open ones, and those behind trades we do not know) are
 * adopted: inserted under their client id and settled, so the position follows.
 */
export class OrdersReconciler {
  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: OrdersReconcilerOptions,
  ) {}

  async reconcile(symbol: string, correlationId: string, tradesSince: number | null): Promise<OrdersFindings> {
    const f = noFindings();
    const { broker, stores, clock } = this.deps;
    const inst = await this.opts.instruments.get(symbol);
    if (!inst.ok) {
      const why = `instrument: ${inst.error.code}`;
      return { ...f, errors: [why], rereadFrom: tradesSince, unreadBecause: [why] };
    }
    // What the venue shows besides our lookups — its open orders and the orders behind recent
    // trades — gathered first: Gate answers a lookup by client order id only while the order is
    // open and about an hour after, so after a longer downtime an order we sent but never settled
    // (a crash between the send and the settlement) is found only through its trades.
    const locals = await stores.orders.open(symbol);
    const before = f.errors.length;
    const lookBack = tradesLookBack(tradesSince, locals);
    const unread = new Unread();
    const { candidates, firstTradeAt } = await this.venueOrders(symbol, lookBack, f, unread);
    // Without a full view of the venue, "not found" proves nothing for an order we never heard
    // back about: it stays open (and its trades stay in the look-back) until a complete pass.
    const partialView = f.errors.length > before;
    for (const local of locals) {
      f.checked++;
      // By exchange id once we know it: Gate answers that long after it forgets a client id.
      const ref = local.exchangeOrderId !== null ? { id: local.exchangeOrderId } : { clientOrderId: local.clientOrderId };
      let look = classifyLookup(local, await broker.fetchOrder(symbol, ref), clock.now(), this.opts.notFoundGraceMs);
      const found = look.kind === 'close' || look.kind === 'wait' ? venueMatch(local, candidates) : null;
      if (found) look = { kind: 'settle', venue: found };
      else if (look.kind === 'close' && partialView && local.exchangeOrderId === null)
        look = { kind: 'error', detail: "not found by client order id, and the venue's orders and trades could not all be read: not closed" };
      if (look.kind === 'error') f.errors.push(`${local.clientOrderId}: ${look.detail}`);
      else if (look.kind === 'settle') {
        const r = await this.opts.settler.settle(local.clientOrderId, look.venue, inst.value, correlationId);
        if (r?.changed) {
          f.repaired++;
          await this.opts.reporter.repaired(
            symbol,
            'order',
            local.clientOrderId,
            `${local.status} → ${r.order.status} (filled ${r.order.filledBase.toFixed()})`,
            correlationId,
          );
        }
      } else if (look.kind === 'close') {
        f.mismatches++;
        await this.opts.reporter.mismatch(
          symbol,
          'order',
          { subject: local.clientOrderId, expected: local.status, actual: 'not found', detail: look.detail },
          correlationId,
        );
        if (await this.close(local, look.status)) {
          f.repaired++;
          await this.opts.reporter.repaired(symbol, 'order', local.clientOrderId, `marked ${look.status}`, correlationId);
        }
      }
    }

    for (const venue of await this.unknown(candidates)) {
      f.checked++;
      f.mismatches++;
      const coid = adoptedClientOrderId(venue);
      await this.opts.reporter.mismatch(
        symbol,
        'order',
        { subject: coid, expected: 'none', actual: `${venue.status} ${venue.side}`, detail: 'order found only on the exchange' },
        correlationId,
      );
      const ins = await stores.orders.insert(adoptable(venue, coid, broker.name, clock.now()));
      if (!ins.ok) {
        f.errors.push(`adopt ${coid}: ${ins.code}`);
        const first = firstTradeAt.get(venue.id);
        if (first !== undefined) unread.mark(first - 1_000, `adopt ${coid}: ${ins.code}`);
        continue;
      }
      await this.opts.settler.settle(coid, venue, inst.value, correlationId);
      f.repaired++;
      await this.opts.reporter.repaired(symbol, 'order', coid, `adopted ${venue.side} ${venue.id}`, correlationId);
    }
    // Never before the range read: Gate selects by finish time, so an order it listed finished inside it.
    const rereadFrom = unread.from === null || lookBack === null ? null : Math.max(lookBack, unread.from);
    return { ...f, rereadFrom, unreadBecause: unread.why };
  }

  /**
   * The venue's open orders, and the orders behind its trades since `tradesSince` that no local row
   * knows by exchange id, with each such order's first trade time. What could not be taken in is
   * marked in `unread`; open orders are read whole on every pass, so they hold nothing back.
   */
  private async venueOrders(
    symbol: string,
    tradesSince: number | null,
    f: ReconcileFindings,
    unread: Unread,
  ): Promise<{ candidates: OrderDTO[]; firstTradeAt: Map<string, number> }> {
    const { broker, stores } = this.deps;
    const open = await broker.fetchOpenOrders(symbol);
    if (!open.ok) f.errors.push(`open orders: ${open.error.code}`);
    const candidates: OrderDTO[] = open.ok ? [...open.value] : [];
    const firstTradeAt = new Map<string, number>();
    if (tradesSince === null) return { candidates, firstTradeAt };
    const trades = await broker.fetchMyTrades(symbol, tradesSince);
    if (!trades.ok) {
      f.errors.push(`trades: ${trades.error.code}`);
      unread.mark(tradesSince, `trades: ${trades.error.code}`);
      return { candidates, firstTradeAt };
    }
    for (const t of trades.value) firstTradeAt.set(t.orderId, Math.min(t.ts, firstTradeAt.get(t.orderId) ?? Infinity));
    const known = new Map<string, OrderRecord>();
    for (const id of firstTradeAt.keys()) {
      const local = await stores.orders.byExchangeOrderId(broker.name, id);
      if (local) known.set(id, local);
    }
    await recordVenueTrades(this.deps, trades.value, known);
    const ids = [...firstTradeAt.keys()].filter((id) => !candidates.some((o) => o.id === id));
    for (const id of ids) {
      if (known.has(id)) continue;
      const o = await broker.fetchOrder(symbol, { id });
      if (o.ok) candidates.push(o.value);
      else {
        f.errors.push(`order ${id}: ${o.error.code}`);
        unread.mark((firstTradeAt.get(id) as number) - 1_000, `order ${id}: ${o.error.code}`);
      }
    }
    return { candidates, firstTradeAt };
  }

  private async unknown(candidates: OrderDTO[]): Promise<OrderDTO[]> {
    const known = new Set<string>();
    const knownEx = new Set<string>();
    for (const o of candidates) {
      if (o.clientOrderId && (await this.deps.stores.orders.byClientOrderId(o.clientOrderId))) known.add(o.clientOrderId);
      if (await this.deps.stores.orders.byExchangeOrderId(this.deps.broker.name, o.id)) knownEx.add(o.id);
    }
    return unknownOrders(candidates, known, knownEx);
  }

  private async close(local: OrderRecord, status: OrderStatus): Promise<boolean> {
    const r = await this.deps.stores.orders.update(local.clientOrderId, { status, updatedAt: this.deps.clock.now() }, local.status);
    return r !== null;
  }
}

/**
 * How far back to read trades: since `tradesSince`, or since the oldest order we sent and never
 * heard back about (no exchange id) when that is older — after a downtime longer than the first
 * pass's look-back, its trades are the only way to find it.
 */
function tradesLookBack(tradesSince: number | null, locals: readonly OrderRecord[]): number | null {
  if (tradesSince === null) return null;
  let since = tradesSince;
  for (const o of locals) if (o.exchangeOrderId === null) since = Math.min(since, o.createdAt - LOOK_BACK_MARGIN_MS);
  return since;
}

/** Clocks differ a little between us and the venue: trades are read from a minute before the order. */
const LOOK_BACK_MARGIN_MS = 60_000;

function adoptable(o: OrderDTO, coid: string, exchange: string, now: number): OrderRecord {
  return {
    clientOrderId: coid,
    exchange,
    exchangeOrderId: o.id,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    requestedQuote: o.requestedQuote,
    requestedBase: o.requestedBase,
    status: 'submitted',
    filledBase: ZERO,
    filledQuote: ZERO,
    averagePrice: null,
    fee: ZERO,
    feeCurrency: null,
    idempotencyKey: null,
    reason: 'adopted: found only on the exchange',
    createdAt: o.createdAt || now,
    updatedAt: now,
  };
}
