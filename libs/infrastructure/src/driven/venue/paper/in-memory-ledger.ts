import type { PaperBalances, PaperLedgerStore, PaperOrderRecord, PaperOrdersChange } from '@cab/application';
import { copyRecord } from './order-records';

/**
 * PaperLedgerStore in memory: for tests. It keeps copies, never the caller's objects, so it
 * behaves like a real store (a saved snapshot cannot change afterwards).
 */
export class InMemoryPaperLedger implements PaperLedgerStore {
  private saved: PaperBalances | null;
  /** Orders by id, in the order first saved (a Map keeps insertion order on replace). */
  private readonly orders = new Map<string, PaperOrderRecord>();
  /** How many times `save` ran: lets specs check that every change is persisted. */
  saves = 0;

  constructor(initial: PaperBalances | null = null) {
    this.saved = initial ? copy(initial) : null;
  }

  async load(): Promise<PaperBalances | null> {
    return this.saved ? copy(this.saved) : null;
  }

  async save(balances: PaperBalances, change?: PaperOrdersChange): Promise<void> {
    this.saved = copy(balances);
    for (const o of change?.orders ?? []) this.orders.set(o.id, copyRecord(o));
    if (change?.forgetFinishedBefore !== undefined) this.forget(change.forgetFinishedBefore);
    this.saves += 1;
  }

  async loadOrders(finishedSince: number): Promise<PaperOrderRecord[]> {
    this.forget(finishedSince);
    return [...this.orders.values()].map(copyRecord);
  }

  /** How many orders are stored (for specs: the table is bounded like memory). */
  get orderCount(): number {
    return this.orders.size;
  }

  private forget(before: number): void {
    for (const [id, o] of this.orders) if (o.status !== 'open' && o.updatedAt < before) this.orders.delete(id);
  }
}

function copy(b: PaperBalances): PaperBalances {
  const out: PaperBalances = {};
  for (const [currency, { free, used }] of Object.entries(b)) out[currency] = { free, used };
  return out;
}
