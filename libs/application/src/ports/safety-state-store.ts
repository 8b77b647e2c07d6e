/**
 * What must survive a restart for the bot to resume where it stopped: the halts in force (an
 * operator's halt, a fatal broker error — a crash must not clear them) and, per symbol, where the
 * next reconcile pass reads the venue's trades from. Written when they change, read once at start.
 */
export interface StoredHalt {
  /** A HaltCode (see pipeline/trading-state.ts). */
  code: string;
  level: 'halted' | 'reducing';
  reason: string;
  since: number;
}

export interface TradeCursor {
  symbol: string;
  /** Where the next pass reads the venue's trades from (epoch ms). */
  tradesSince: number;
  /** When the symbol's trades first could not all be read, until a pass reads them; null when read. */
  unreadSince: number | null;
}

export interface SafetyStateStore {
  halts(): Promise<StoredHalt[]>;
  /** Creates or replaces the halt of `halt.code`. */
  saveHalt(halt: StoredHalt): Promise<void>;
  removeHalt(code: string): Promise<void>;
  tradeCursors(): Promise<TradeCursor[]>;
  /** Creates or replaces the cursor of `cursor.symbol`. */
  saveTradeCursor(cursor: TradeCursor): Promise<void>;
}
