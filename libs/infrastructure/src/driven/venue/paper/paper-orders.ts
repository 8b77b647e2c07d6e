import type { FillDTO, OrderDTO } from '@cab/application';

/**
 * How long a finished (closed or canceled) order and its fills stay answerable after they finished:
 * seven days. Without a limit every order the paper broker ever saw stayed in memory (~2 KB of
 * heap per fill: a year-long backtest grew by 15 MB over 6,900 fills, a paper server as much).
 *
 * Why forgetting after this is safe — who asks the broker about a finished order, and how late:
 * - place-order / the order settler read the order from the answer of the call that placed it.
 * - Reconcile looks up, by client order id, every order our DB still has open or in flight: one
 *   that finished on the broker is settled by the next pass that succeeds (every
 *   RECONCILE_INTERVAL_SEC, 10 s by default). It asks for trades since its previous pass (24 h back
 *   on its first), then for each trade's order by id.
 * - Crash recovery: the paper broker saves its orders with its balances and restores those
 *   inside this window as of the ledger's last activity (and every open one) on load, so
 *   reconcile settles after a restart — however long the downtime — what was filled before it;
 *   the ledger deletes the older ones too, while running.
 * Seven days covers the 24 h look-back many times over, and a reconcile loop that fails for days.
 * Gate itself answers a lookup by client order id only ~1 h after the order finished.
 * Open orders are never forgotten, however old.
 */
export const RETAIN_FINISHED_MS = 7 * 24 * 3_600_000;

/** Compact a fill list once this many forgotten fills sit at its head (and they are half of it). */
const COMPACT_AFTER = 1_024;

interface FillList {
  /** Slots before `start` are emptied (null) so the fills they held can be collected before the next compaction. */
  list: (FillDTO | null)[];
  /** list[0, start) belonged to forgotten orders. */
  start: number;
  /** Whether list[start..] is in time order (a test's FakeClock.set can break that). */
  sorted: boolean;
}

/**
 * The paper broker's orders and fills, indexed for the calls the runtime makes over and over
 * (open orders, fills since a time), so a long paper run or a backtest with many orders does not
 * scan its whole history on every reconcile. The in-memory index (the ledger persists the orders;
 * the broker fills this index from it on load), bounded: an order finished more than
 * `retainFinishedMs` ago (RETAIN_FINISHED_MS by default) is forgotten with its fills.
 */
export class PaperOrders {
  private readonly byId = new Map<string, OrderDTO>();
  /** Client order id → the latest order id with it (Gate does not reject a duplicate `text`). */
  private readonly byClient = new Map<string, string>();
  private readonly open = new Map<string, Map<string, OrderDTO>>();
  private readonly fills = new Map<string, FillList>();
  /** Finished orders in the order they finished: the oldest is forgotten first. [0, finishedStart) are gone (null). */
  private finished: (OrderDTO | null)[] = [];
  private finishedStart = 0;

  constructor(private readonly retainFinishedMs = RETAIN_FINISHED_MS) {
    if (!(retainFinishedMs >= 0)) throw new RangeError(`retainFinishedMs must be >= 0, got ${retainFinishedMs}`);
  }

  /** Records a new order at `now`, then forgets what finished before the retention window. */
  add(order: OrderDTO, now: number): void {
    this.byId.set(order.id, order);
    if (order.clientOrderId !== null) this.byClient.set(order.clientOrderId, order.id);
    if (order.status === 'open') this.openOf(order.symbol).set(order.id, order);
    else this.finished.push(order);
    const f = this.fillsOf(order.symbol);
    for (const fill of order.fills) {
      const last = f.list[f.list.length - 1];
      if (last && fill.ts < last.ts) f.sorted = false;
      f.list.push(fill);
    }
    this.forget(now);
  }

  get(id: string): OrderDTO | undefined {
    return this.byId.get(id);
  }

  getByClientId(clientOrderId: string): OrderDTO | undefined {
    const id = this.byClient.get(clientOrderId);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Open orders of the symbol, oldest first. */
  openOrders(symbol: string): OrderDTO[] {
    return [...(this.open.get(symbol)?.values() ?? [])];
  }

  /** Marks an open order done (canceled or filled) with its new status; its retention starts now. */
  finish(order: OrderDTO, status: 'canceled' | 'closed', now: number): void {
    order.status = status;
    order.updatedAt = now;
    this.open.get(order.symbol)?.delete(order.id);
    this.finished.push(order);
    this.forget(now);
  }

  /** Fills of the symbol with ts ≥ sinceMs, in the order they happened (of the orders still retained). */
  fillsSince(symbol: string, sinceMs?: number): FillDTO[] {
    const f = this.fills.get(symbol);
    if (!f) return [];
    const held = f.list as FillDTO[];
    if (sinceMs === undefined) return held.slice(f.start);
    // A clock that went back (a test's FakeClock.set) breaks the order: fall back to a scan.
    if (!f.sorted) return held.slice(f.start).filter((x) => x.ts >= sinceMs);
    let lo = f.start;
    let hi = f.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (held[mid]!.ts < sinceMs) lo = mid + 1;
      else hi = mid;
    }
    return held.slice(lo);
  }

  /** How many orders and fills are held now (what the retention bounds). */
  get size(): { orders: number; fills: number } {
    let fills = 0;
    for (const f of this.fills.values()) fills += f.list.length - f.start;
    return { orders: this.byId.size, fills };
  }

  /**
   * Forgets the orders that finished before now − retainFinishedMs, oldest first, with their fills.
   * `updatedAt` is when an order finished (a market order at creation, a resting one at cancel).
   * If the clock went back, an order that finished "later" can sit before an older one: the older
   * one then waits for it, so an order is kept too long at worst, never forgotten early.
   */
  private forget(now: number): void {
    const cutoff = now - this.retainFinishedMs;
    let symbols: Set<string> | null = null;
    let i = this.finishedStart;
    for (; i < this.finished.length; i++) {
      const o = this.finished[i]!;
      if (o.updatedAt >= cutoff) break;
      if (this.byId.get(o.id) === o) this.byId.delete(o.id);
      if (o.clientOrderId !== null && this.byClient.get(o.clientOrderId) === o.id && !this.byId.has(o.id)) this.byClient.delete(o.clientOrderId);
      if (o.fills.length > 0) (symbols ??= new Set()).add(o.symbol);
      this.finished[i] = null;
    }
    if (i === this.finishedStart) return;
    this.finishedStart = i;
    if (i >= COMPACT_AFTER && 2 * i >= this.finished.length) {
      this.finished = this.finished.slice(i);
      this.finishedStart = 0;
    }
    for (const symbol of symbols ?? []) this.trimFills(this.fills.get(symbol)!);
  }

  /**
   * Drops the fills of forgotten orders from the head of the list. Fills join the list as their
   * orders are added, and orders are forgotten in about that order; a fill stuck behind one whose
   * order is still held waits for it (kept too long, never dropped early).
   */
  private trimFills(f: FillList): void {
    while (f.start < f.list.length && !this.byId.has(f.list[f.start]!.orderId)) f.list[f.start++] = null;
    if (f.start >= COMPACT_AFTER && 2 * f.start >= f.list.length) {
      const held = f.list.slice(f.start) as FillDTO[];
      f.list = held;
      f.start = 0;
      f.sorted = held.every((x, k) => k === 0 || held[k - 1]!.ts <= x.ts);
    }
  }

  private openOf(symbol: string): Map<string, OrderDTO> {
    let m = this.open.get(symbol);
    if (!m) this.open.set(symbol, (m = new Map()));
    return m;
  }

  private fillsOf(symbol: string): FillList {
    let f = this.fills.get(symbol);
    if (!f) this.fills.set(symbol, (f = { list: [], start: 0, sorted: true }));
    return f;
  }
}
