import type { Generated } from 'kysely';

/**
 * kysely's view of the tables created by migrations/V*.sql (SQLite) and migrations/postgres/V*.sql.
 * Decimals are strings here (SQLite TEXT, Postgres NUMERIC: the pg driver returns it as a string),
 * timestamps epoch ms (Postgres BIGINT, parsed to a number by postgres/pool.ts). Rows become
 * domain/port records only in the repositories' mappers.
 *
 * `bot_id` (V0006; docs/postgres.md, "BOT_ID"): the bot a row belongs to, in every key of the
 * tables a bot writes. Repositories set it on every write and filter on it in every read.
 */
export interface OrdersTable {
  bot_id: string;
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
  bot_id: string;
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
  bot_id: string;
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
  bot_id: string;
  key: string;
  ref: string | null;
  created_at: number;
  expires_at: number;
}

export interface AuditTable {
  id: Generated<number>;
  bot_id: string;
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
  bot_id: string;
  ts: number;
  topic: string;
  subscriber: string | null;
  payload: string;
  error: string;
  attempts: number;
}

export interface PaperBalancesTable {
  bot_id: string;
  currency: string;
  free: string;
  used: string;
  updated_at: number;
}

/** V0004: the paper broker's orders; `fills` is a JSON array of PaperFillRecord (decimal strings). */
export interface PaperOrdersTable {
  seq: Generated<number>;
  bot_id: string;
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
  bot_id: string;
  code: string;
  level: string;
  reason: string;
  since: number;
}

/** V0005: where each symbol's next reconcile pass reads the venue's trades from. */
export interface TradeCursorsTable {
  bot_id: string;
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

/** The tables a bot writes: each has bot_id in its keys (V0006 / postgres V0001). */
export const BOT_TABLES = [
  'orders',
  'fills',
  'positions',
  'idempotency_keys',
  'audit',
  'dlq',
  'paper_balances',
  'paper_orders',
  'halts',
  'trade_cursors',
] as const satisfies readonly (keyof StorageSchema)[];

/** Every table of the schema. */
export const STORAGE_TABLES = [...BOT_TABLES, 'market_data', 'schema_migrations'] as const satisfies readonly (keyof StorageSchema)[];
