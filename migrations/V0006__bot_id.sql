-- V0006: BOT_ID (docs/postgres.md): every row a bot writes names the bot, and every key it is
-- looked up by includes it, so several bots can share one database without seeing each other's
-- rows. Existing rows belong to the bot 'default' (BOT_ID's default), so a file written before
-- this version keeps working unchanged. Candles (market_data) stay shared: they are the venue's.
--
-- SQLite cannot change a primary key in place: the keyed tables are rebuilt (create, copy, drop,
-- rename), children before parents are dropped so no foreign key is ever left dangling.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE orders_v6 (
  bot_id            TEXT    NOT NULL,
  client_order_id   TEXT    NOT NULL,
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
  updated_at        INTEGER NOT NULL,
  PRIMARY KEY (bot_id, client_order_id)
);
INSERT INTO orders_v6 (bot_id, client_order_id, exchange, exchange_order_id, symbol, side, type, requested_quote, requested_base, status,
                       filled_base, filled_quote, average_price, fee, fee_currency, idempotency_key, reason, created_at, updated_at)
  SELECT 'default', client_order_id, exchange, exchange_order_id, symbol, side, type, requested_quote, requested_base, status,
         filled_base, filled_quote, average_price, fee, fee_currency, idempotency_key, reason, created_at, updated_at FROM orders;

CREATE TABLE fills_v6 (
  bot_id            TEXT    NOT NULL,
  exchange          TEXT    NOT NULL,
  trade_id          TEXT    NOT NULL,
  client_order_id   TEXT    NOT NULL,
  exchange_order_id TEXT    NOT NULL,
  symbol            TEXT    NOT NULL,
  side              TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  price             TEXT    NOT NULL,
  amount            TEXT    NOT NULL,
  cost              TEXT    NOT NULL,
  fee               TEXT    NOT NULL,
  fee_currency      TEXT,
  ts                INTEGER NOT NULL,
  PRIMARY KEY (bot_id, exchange, trade_id),
  FOREIGN KEY (bot_id, client_order_id) REFERENCES orders_v6 (bot_id, client_order_id)
);
INSERT INTO fills_v6 (bot_id, exchange, trade_id, client_order_id, exchange_order_id, symbol, side, price, amount, cost, fee, fee_currency, ts)
  SELECT 'default', exchange, trade_id, client_order_id, exchange_order_id, symbol, side, price, amount, cost, fee, fee_currency, ts FROM fills;

DROP TABLE fills;
DROP TABLE orders;
-- Renaming the parent rewrites the child's REFERENCES to the new name.
ALTER TABLE orders_v6 RENAME TO orders;
ALTER TABLE fills_v6 RENAME TO fills;
CREATE UNIQUE INDEX orders_exchange_order_id ON orders (bot_id, exchange, exchange_order_id)
  WHERE exchange_order_id IS NOT NULL;
CREATE INDEX orders_symbol_status ON orders (bot_id, symbol, status);
CREATE INDEX orders_created_at ON orders (bot_id, created_at);
CREATE INDEX fills_client_order_id ON fills (bot_id, client_order_id);
CREATE INDEX fills_symbol_ts ON fills (bot_id, symbol, ts);

CREATE TABLE positions_v6 (
  bot_id              TEXT    NOT NULL,
  symbol              TEXT    NOT NULL,
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
  version             INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (bot_id, symbol)
);
INSERT INTO positions_v6 (bot_id, symbol, base_qty, avg_entry, realized_pnl, fees_quote, peak_price, stop_price, trailing_stop_price, trailing_active,
                          opened_at, updated_at, version)
  SELECT 'default', symbol, base_qty, avg_entry, realized_pnl, fees_quote, peak_price, stop_price, trailing_stop_price, trailing_active,
         opened_at, updated_at, version FROM positions;
DROP TABLE positions;
ALTER TABLE positions_v6 RENAME TO positions;

CREATE TABLE idempotency_keys_v6 (
  bot_id     TEXT    NOT NULL,
  key        TEXT    NOT NULL,
  ref        TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (bot_id, key)
);
INSERT INTO idempotency_keys_v6 (bot_id, key, ref, created_at, expires_at) SELECT 'default', key, ref, created_at, expires_at FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_v6 RENAME TO idempotency_keys;
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (bot_id, expires_at);

-- Append-only tables keep their ids: a new column (existing rows are the default bot's). No new
-- audit index: a SQLite file usually holds one bot, and each index is one more page per entry on
-- the hot path (about ten entries per trade); its reads filter bot_id on the existing ts indexes.
ALTER TABLE audit ADD COLUMN bot_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE dlq ADD COLUMN bot_id TEXT NOT NULL DEFAULT 'default';
CREATE INDEX dlq_bot_topic ON dlq (bot_id, topic, id);

CREATE TABLE paper_balances_v6 (
  bot_id     TEXT    NOT NULL,
  currency   TEXT    NOT NULL,
  free       TEXT    NOT NULL,
  used       TEXT    NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (bot_id, currency)
);
INSERT INTO paper_balances_v6 (bot_id, currency, free, used, updated_at) SELECT 'default', currency, free, used, updated_at FROM paper_balances;
DROP TABLE paper_balances;
ALTER TABLE paper_balances_v6 RENAME TO paper_balances;

CREATE TABLE paper_orders_v6 (
  seq             INTEGER PRIMARY KEY,
  bot_id          TEXT    NOT NULL,
  id              TEXT    NOT NULL,
  client_order_id TEXT,
  symbol          TEXT    NOT NULL,
  side            TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  type            TEXT    NOT NULL CHECK (type IN ('market', 'limit')),
  status          TEXT    NOT NULL CHECK (status IN ('open', 'closed', 'canceled')),
  price           TEXT,
  requested_quote TEXT,
  requested_base  TEXT,
  filled_base     TEXT    NOT NULL,
  filled_quote    TEXT    NOT NULL,
  average_price   TEXT,
  fee             TEXT    NOT NULL,
  fee_currency    TEXT,
  fills           TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (bot_id, id)
);
INSERT INTO paper_orders_v6 (seq, bot_id, id, client_order_id, symbol, side, type, status, price, requested_quote, requested_base, filled_base, filled_quote,
                             average_price, fee, fee_currency, fills, created_at, updated_at)
  SELECT seq, 'default', id, client_order_id, symbol, side, type, status, price, requested_quote, requested_base, filled_base, filled_quote,
         average_price, fee, fee_currency, fills, created_at, updated_at FROM paper_orders;
DROP TABLE paper_orders;
ALTER TABLE paper_orders_v6 RENAME TO paper_orders;
CREATE INDEX paper_orders_finished ON paper_orders (bot_id, updated_at) WHERE status <> 'open';

CREATE TABLE halts_v6 (
  bot_id TEXT    NOT NULL,
  code   TEXT    NOT NULL,
  level  TEXT    NOT NULL CHECK (level IN ('halted', 'reducing')),
  reason TEXT    NOT NULL,
  since  INTEGER NOT NULL,
  PRIMARY KEY (bot_id, code)
);
INSERT INTO halts_v6 (bot_id, code, level, reason, since) SELECT 'default', code, level, reason, since FROM halts;
DROP TABLE halts;
ALTER TABLE halts_v6 RENAME TO halts;

CREATE TABLE trade_cursors_v6 (
  bot_id        TEXT    NOT NULL,
  symbol        TEXT    NOT NULL,
  trades_since  INTEGER NOT NULL,
  unread_since  INTEGER,
  PRIMARY KEY (bot_id, symbol)
);
INSERT INTO trade_cursors_v6 (bot_id, symbol, trades_since, unread_since) SELECT 'default', symbol, trades_since, unread_since FROM trade_cursors;
DROP TABLE trade_cursors;
ALTER TABLE trade_cursors_v6 RENAME TO trade_cursors;
