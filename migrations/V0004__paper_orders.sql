-- V0004: the paper broker's orders and their fills, so after a restart it answers for them as
-- Gate does (fetchOrder by id or client id, open orders, trades). Written with paper_balances in
-- one transaction. Finished orders are deleted after the broker's retention window.
CREATE TABLE paper_orders (
  -- Insertion order: the broker restores its orders (and their fills) in the order it saw them.
  seq             INTEGER PRIMARY KEY,
  id              TEXT    NOT NULL UNIQUE,
  client_order_id TEXT,
  symbol          TEXT    NOT NULL,
  side            TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  type            TEXT    NOT NULL CHECK (type IN ('market', 'limit')),
  status          TEXT    NOT NULL CHECK (status IN ('open', 'closed', 'canceled')),
  -- Limit price of a resting order (what it locks); NULL for a market order.
  price           TEXT,
  requested_quote TEXT,
  requested_base  TEXT,
  filled_base     TEXT    NOT NULL,
  filled_quote    TEXT    NOT NULL,
  average_price   TEXT,
  fee             TEXT    NOT NULL,
  fee_currency    TEXT,
  -- JSON array of the order's fills, amounts as decimal strings: written once with the order and
  -- only ever read with it, so one row per order keeps the fill path at one more write.
  fills           TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
-- The retention delete: finished orders by when they finished.
CREATE INDEX paper_orders_finished ON paper_orders (updated_at) WHERE status <> 'open';
