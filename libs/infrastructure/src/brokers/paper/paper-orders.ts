import type { FillDTO, OrderDTO } from '@cab/application';

/**
 * The paper broker's orders and fills, indexed for the calls the loops make over and over
 * (open orders, fills since a time), so a long paper run or a backtest with many orders does not
 * scan its whole history on every reconcile. In memory only.
 */
export class PaperOrders {
  private readonly byId = new Map<string, OrderDTO>();
  /** Client order id → the latest order id with it (Gate does not reject a duplicate `text`). */
  private readonly byClient = new Map<string, string>();
  private readonly open = new Map<string, Map<string, OrderDTO>>();
  private readonly fills = new Map<string, { list: FillDTO[]; sorted: boolean }>();

  add(order: OrderDTO): void {
    this.byId.set(order.id, order);
    if (order.clientOrderId !== null) this.byClient.set(order.clientOrderId, order.id);
    if (order.status === 'open') this.openOf(order.symbol).set(order.id, order);
    const f = this.fillsOf(order.symbol);
    for (const fill of order.fills) {
      const last = f.list[f.list.length - 1];
      if (last && fill.ts < last.ts) f.sorted = false;
      f.list.push(fill);
    }
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

  /** Marks an open order done (canceled or filled) with its new status. */
  finish(order: OrderDTO, status: 'canceled' | 'closed', now: number): void {
    order.status = status;
    order.updatedAt = now;
    this.open.get(order.symbol)?.delete(order.id);
  }

  /** Fills of the symbol with ts ≥ sinceMs, in the order they happened. */
  fillsSince(symbol: string, sinceMs?: number): FillDTO[] {
    const f = this.fills.get(symbol);
    if (!f) return [];
    if (sinceMs === undefined) return f.list.slice();
    // A clock that went back (a test's FakeClock.set) breaks the order: fall back to a scan.
    if (!f.sorted) return f.list.filter((x) => x.ts >= sinceMs);
    let lo = 0;
    let hi = f.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (f.list[mid]!.ts < sinceMs) lo = mid + 1;
      else hi = mid;
    }
    return f.list.slice(lo);
  }

  private openOf(symbol: string): Map<string, OrderDTO> {
    let m = this.open.get(symbol);
    if (!m) this.open.set(symbol, (m = new Map()));
    return m;
  }

  private fillsOf(symbol: string): { list: FillDTO[]; sorted: boolean } {
    let f = this.fills.get(symbol);
    if (!f) this.fills.set(symbol, (f = { list: [], sorted: true }));
    return f;
  }
}
