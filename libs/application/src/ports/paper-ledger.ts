import type { Side } from '@cab/domain';

/**
 * Where the paper broker keeps its simulated account between restarts, so paper mode survives a
 * restart like a real exchange account does: its balances, and the orders and fills it would
 * still answer for (Gate remembers an order after a crash of ours; so must the paper broker).
 * Amounts are decimal strings. Infrastructure provides an in-memory store (tests) and a SQLite one.
 */
export interface PaperBalances {
  [currency: string]: { free: string; used: string };
}

/** One fill of a paper order, as the broker reported it. Amounts are decimal strings. */
export interface PaperFillRecord {
  id: string;
  ts: number;
  price: string;
  amount: string;
  cost: string;
  fee: string;
  feeCurrency: string;
}

/** A paper order as the broker knows it (Broker's OrderDTO in strings), with its fills. */
export interface PaperOrderRecord {
  id: string;
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  type: 'market' | 'limit';
  status: 'open' | 'closed' | 'canceled';
  /** Limit price of a resting order (what it locks); null for a market order. */
  price: string | null;
  requestedQuote: string | null;
  requestedBase: string | null;
  filledBase: string;
  filledQuote: string;
  averagePrice: string | null;
  fee: string;
  feeCurrency: string | null;
  createdAt: number;
  /** When it last changed; for a finished order, when it finished (its retention counts from here). */
  updatedAt: number;
  fills: PaperFillRecord[];
}

/** Orders to write with a balance change, in the same transaction. */
export interface PaperOrdersChange {
  /** Orders this change created or changed: inserted, or replaced by id. */
  orders: readonly PaperOrderRecord[];
  /** Also delete the finished (not open) orders whose updatedAt is before this time. */
  forgetFinishedBefore?: number;
}

export interface PaperLedgerStore {
  /** The saved balances, or null on first start (the broker then seeds them from settings). */
  load(): Promise<PaperBalances | null>;
  /**
   * Replaces the saved balances and writes `change` atomically: never a balance without the order
   * that moved it, or the reverse.
   */
  save(balances: PaperBalances, change?: PaperOrdersChange): Promise<void>;
  /**
   * Deletes the finished orders with updatedAt < `finishedSince`, then returns every order left
   * (the open ones, however old, and those finished since then), in the order they were first
   * saved.
   */
  loadOrders(finishedSince: number): Promise<PaperOrderRecord[]>;
}
