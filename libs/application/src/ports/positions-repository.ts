import type { Decimal } from '@cab/domain';

/**
 * What the bot holds in one symbol, and the state of its protective exits. The pnl and exits
 * code in @cab/domain compute these values; this is only how they are remembered.
 */
export interface PositionRecord {
  symbol: string;
  /** Base held, net of base-currency fees (docs/lessons.md #4). Zero when flat. */
  baseQty: Decimal;
  /** Average entry price in quote per base. */
  avgEntry: Decimal;
  /** Realized PnL in quote, fees included, since the position row was created. */
  realizedPnl: Decimal;
  /** Fees paid, valued in quote. */
  feesQuote: Decimal;
  /** Highest price seen while holding (drives the trailing stop); null when flat. */
  peakPrice: Decimal | null;
  /** Hard stop price; null when none. */
  stopPrice: Decimal | null;
  /** Trailing stop price; null until the trailing stop activates. */
  trailingStopPrice: Decimal | null;
  trailingActive: boolean;
  /** When the current position was opened (epoch ms); null when flat. */
  openedAt: number | null;
  updatedAt: number;
  /** Bumped on every save: optimistic concurrency for `save(p, expectedVersion)`. */
  version: number;
}

export type PositionSaveResult = { ok: true; version: number } | { ok: false; code: 'POSITION.VERSION_CONFLICT'; message: string };

export interface PositionsRepository {
  get(symbol: string): Promise<PositionRecord | null>;
  all(): Promise<PositionRecord[]>;
  /**
   * Creates or replaces the position; `position.version` is ignored and the stored version is
   * bumped. With `expectedVersion` (0 = "must not exist yet") the save only happens if the stored
   * version still matches: a lost race is a value, not an overwrite.
   */
  save(position: PositionRecord, expectedVersion?: number): Promise<PositionSaveResult>;
}
