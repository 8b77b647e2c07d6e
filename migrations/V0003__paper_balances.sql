-- V0003: the paper broker's simulated account, so paper mode survives a restart.
CREATE TABLE paper_balances (
  currency   TEXT    NOT NULL PRIMARY KEY,
  free       TEXT    NOT NULL,
  used       TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
);
