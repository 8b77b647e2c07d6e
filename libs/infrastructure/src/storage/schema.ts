import type { Generated } from 'kysely';

/**
 * kysely's view of the tables created by migrations/V*.sql. Decimals are TEXT (strings here),
 * timestamps INTEGER epoch ms. Rows become domain/port records only in the repositories' mappers.
 */
export interface OrdersTable {
  client_order_id: string;
  exchange: string;
  exchange_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  requested_quote: string | null;
  requested_base: string | null;
  status: string;
  filled_base: string;
  filled_quote: string;
  average_price: string | null;
  fee: string;
  fee_currency: string | null;
  idempotency_key: string | null;
  reason: string | null;
  created_at: number;
  updated_at: number;
}

export interface FillsTable {
  exchange: string;
  trade_id: string;
  client_order_id: string;
  exchange_order_id: string;
  symbol: string;
  side: string;
  price: string;
  amount: string;
  cost: string;
  fee: string;
  fee_currency: string | null;
  ts: number;
}

export interface PositionsTable {
  symbol: string;
  base_qty: string;
  avg_entry: string;
  realized_pnl: string;
  fees_quote: string;
  peak_price: string | null;
  stop_price: string | null;
  trailing_stop_price: string | null;
  /** 0 or 1: SQLite has no boolean. */
  trailing_active: number;
  opened_at: number | null;
  updated_at: number;
  version: number;
}

export interface IdempotencyKeysTable {
  key: string;
  ref: string | null;
  created_at: number;
  expires_at: number;
}

export interface AuditTable {
  id: Generated<number>;
  ts: number;
  kind: string;
  symbol: string | null;
  correlation_id: string | null;
  summary: string;
  data: string;
}

export interface MarketDataTable {
  exchange: string;
  symbol: string;
  timeframe: string;
  ts: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export interface DlqTable {
  id: Generated<number>;
  ts: number;
  topic: string;
  subscriber: string | null;
  payload: string;
  error: string;
  attempts: number;
}

export interface PaperBalancesTable {
  currency: string;
  free: string;
  used: string;
  updated_at: number;
}

/** V0004: the paper broker's orders; `fills` is a JSON array of PaperFillRecord (decimal strings). */
export interface PaperOrdersTable {
  seq: Generated<number>;
  id: string;
  client_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  status: string;
  price: string | null;
  requested_quote: string | null;
  requested_base: string | null;
  filled_base: string;
  filled_quote: string;
  average_price: string | null;
  fee: string;
  fee_currency: string | null;
  fills: string;
  created_at: number;
  updated_at: number;
}

/** V0005: halts in force (SafetyStateStore). */
export interface HaltsTable {
  code: string;
  level: string;
  reason: string;
  since: number;
}

/** V0005: where each symbol's next reconcile pass reads the venue's trades from. */
export interface TradeCursorsTable {
  symbol: string;
  trades_since: number;
  unread_since: number | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: number;
  duration_ms: number;
}

export interface StorageSchema {
  orders: OrdersTable;
  fills: FillsTable;
  positions: PositionsTable;
  idempotency_keys: IdempotencyKeysTable;
  audit: AuditTable;
  market_data: MarketDataTable;
  dlq: DlqTable;
  paper_balances: PaperBalancesTable;
  paper_orders: PaperOrdersTable;
  halts: HaltsTable;
  trade_cursors: TradeCursorsTable;
  schema_migrations: SchemaMigrationsTable;
}
