import type { Decimal, Side } from '@cab/domain';

/**
 * One execution. `(exchange, tradeId)` is unique: a trade reported twice (a replay, a reconcile
 * pass, a restart) is stored once and counted once (docs/lessons.md #11). Every fill belongs to an order
 * the bot knows: adopt an unknown order first, then record its fills.
 */
export interface FillRecord {
  exchange: string;
  tradeId: string;
  clientOrderId: string;
  exchangeOrderId: string;
  symbol: string;
  side: Side;
  price: Decimal;
  /** Base amount traded, before fees. */
  amount: Decimal;
  /** Quote value price × amount. */
  cost: Decimal;
  fee: Decimal;
  feeCurrency: string | null;
  ts: number;
}

export interface FillsInsertResult {
  /** The fills that were not known before, in input order: only these may move a position. */
  inserted: FillRecord[];
  /** How many were already stored (or repeated within the input). */
  duplicates: number;
}

export interface FillsRepository {
  /** Inserts the fills not seen before; never fails on a duplicate trade id. */
  insertMany(fills: readonly FillRecord[]): Promise<FillsInsertResult>;
  byOrder(clientOrderId: string): Promise<FillRecord[]>;
  /** Fills of a symbol at or after `since` (epoch ms), oldest first. */
  bySymbol(symbol: string, since?: number, limit?: number): Promise<FillRecord[]>;
}
