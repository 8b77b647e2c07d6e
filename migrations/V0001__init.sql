-- V0001: the trading memory: orders, their fills, positions and idempotency keys.
-- Portable on purpose (SQLite and Postgres): TEXT decimals, INTEGER epoch-ms timestamps,
-- CHECK constraints, partial unique indexes. Never edit this file once released: add V0002…

CREATE TABLE orders (
  client_order_id   TEXT    NOT NULL PRIMARY KEY,
  exchange          TEXT    NOT NULL,
  exchange_order_id TEXT,
  symbol            TEXT    NOT NULL,
  side              TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  type              TEXT    NOT NULL CHECK (type IN ('market', 'limit')),
  requested_quote   TEXT,
  requested_base    TEXT,
  status            TEXT    NOT NULL,
  filled_base       TEXT    NOT NULL DEFAULT '0',
  filled_quote      TEXT    NOT NULL DEFAULT '0',
  average_price     TEXT,
  fee               TEXT    NOT NULL DEFAULT '0',
  fee_currency      TEXT,
  idempotency_key   TEXT,
  reason            TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
-- One venue order id maps to one of our orders (adoption and reconciliation look it up).
CREATE UNIQUE INDEX orders_exchange_order_id ON orders (exchange, exchange_order_id)
  WHERE exchange_order_id IS NOT NULL;
CREATE INDEX orders_symbol_status ON orders (symbol, status);
CREATE INDEX orders_created_at ON orders (created_at);

-- A fill is unique per (exchange, trade id): a replayed trade is ignored, never counted twice.
CREATE TABLE fills (
  exchange          TEXT    NOT NULL,
  trade_id          TEXT    NOT NULL,
  client_order_id   TEXT    NOT NULL REFERENCES orders (client_order_id),
  exchange_order_id TEXT    NOT NULL,
  symbol            TEXT    NOT NULL,
  side              TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  price             TEXT    NOT NULL,
  amount            TEXT    NOT NULL,
  cost              TEXT    NOT NULL,
  fee               TEXT    NOT NULL,
  fee_currency      TEXT,
  ts                INTEGER NOT NULL,
  PRIMARY KEY (exchange, trade_id)
);
CREATE INDEX fills_client_order_id ON fills (client_order_id);
CREATE INDEX fills_symbol_ts ON fills (symbol, ts);

-- One row per symbol: what we hold and the state of its protective exits.
CREATE TABLE positions (
  symbol              TEXT    NOT NULL PRIMARY KEY,
  base_qty            TEXT    NOT NULL,
  avg_entry           TEXT    NOT NULL,
  realized_pnl        TEXT    NOT NULL,
  fees_quote          TEXT    NOT NULL DEFAULT '0',
  peak_price          TEXT,
  stop_price          TEXT,
  trailing_stop_price TEXT,
  trailing_active     INTEGER NOT NULL DEFAULT 0 CHECK (trailing_active IN (0, 1)),
  opened_at           INTEGER,
  updated_at          INTEGER NOT NULL,
  version             INTEGER NOT NULL DEFAULT 1
);

-- Reserved before an order is sent (LESSONS 3). A live key cannot be reserved twice; an
-- expired one can (IDEMPOTENCY_TTL_SEC).
CREATE TABLE idempotency_keys (
  key        TEXT    NOT NULL PRIMARY KEY,
  ref        TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
