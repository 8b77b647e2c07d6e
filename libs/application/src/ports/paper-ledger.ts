/**
 * Where the paper broker keeps its simulated account between restarts, so paper mode survives a
 * restart like a real exchange account does. Amounts are decimal strings keyed by currency.
 * Infrastructure provides an in-memory store (tests, backtests) and a SQLite one.
 */
export interface PaperBalances {
  [currency: string]: { free: string; used: string };
}

export interface PaperLedgerStore {
  /** The saved balances, or null on first start (the broker then seeds them from settings). */
  load(): Promise<PaperBalances | null>;
  /** Replaces the saved balances atomically. */
  save(balances: PaperBalances): Promise<void>;
}
