import type { PaperBalances, PaperLedgerStore } from '@cab/application';

/**
 * PaperLedgerStore in memory: for tests and backtests. It keeps a copy, never the caller's
 * object, so it behaves like a real store (a saved snapshot cannot change afterwards).
 */
export class InMemoryPaperLedger implements PaperLedgerStore {
  private saved: PaperBalances | null;
  /** How many times `save` ran: lets specs check that every change is persisted. */
  saves = 0;

  constructor(initial: PaperBalances | null = null) {
    this.saved = initial ? copy(initial) : null;
  }

  async load(): Promise<PaperBalances | null> {
    return this.saved ? copy(this.saved) : null;
  }

  async save(balances: PaperBalances): Promise<void> {
    this.saved = copy(balances);
    this.saves += 1;
  }
}

function copy(b: PaperBalances): PaperBalances {
  const out: PaperBalances = {};
  for (const [currency, { free, used }] of Object.entries(b)) out[currency] = { free, used };
  return out;
}
