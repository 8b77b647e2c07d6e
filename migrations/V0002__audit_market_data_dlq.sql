-- V0002: why the bot did what it did (audit), the candles it saw (market_data) and the events a
-- subscriber failed to handle (dlq).

-- Every decision: signal, risk verdict (reasons and limits), order, exit, reconcile repair.
-- `data` is JSON text whose amounts are decimal strings.
CREATE TABLE audit (
  id             INTEGER PRIMARY KEY,
  ts             INTEGER NOT NULL,
  kind           TEXT    NOT NULL,
  symbol         TEXT,
  correlation_id TEXT,
  summary        TEXT    NOT NULL,
  data           TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_ts ON audit (ts);
CREATE INDEX audit_kind_ts ON audit (kind, ts);
CREATE INDEX audit_symbol_ts ON audit (symbol, ts);
CREATE INDEX audit_correlation_id ON audit (correlation_id);

-- OHLCV bars, one per (exchange, symbol, timeframe, open time). Values are decimal text.
CREATE TABLE market_data (
  exchange  TEXT    NOT NULL,
  symbol    TEXT    NOT NULL,
  timeframe TEXT    NOT NULL,
  ts        INTEGER NOT NULL,
  open      TEXT    NOT NULL,
  high      TEXT    NOT NULL,
  low       TEXT    NOT NULL,
  close     TEXT    NOT NULL,
  volume    TEXT    NOT NULL,
  PRIMARY KEY (exchange, symbol, timeframe, ts)
);

-- Dead letters: an event a subscriber threw on, kept for inspection and replay.
CREATE TABLE dlq (
  id         INTEGER PRIMARY KEY,
  ts         INTEGER NOT NULL,
  topic      TEXT    NOT NULL,
  subscriber TEXT,
  payload    TEXT    NOT NULL,
  error      TEXT    NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dlq_topic_ts ON dlq (topic, ts);
