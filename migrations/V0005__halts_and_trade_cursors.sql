-- V0005: what a restart must resume from (see SafetyStateStore in @cab/application): the halts in
-- force — an operator's halt or a fatal broker error survives a crash — and, per symbol, where the
-- next reconcile pass reads the venue's trades from.
CREATE TABLE halts (
  code   TEXT    PRIMARY KEY,
  level  TEXT    NOT NULL CHECK (level IN ('halted', 'reducing')),
  reason TEXT    NOT NULL,
  since  INTEGER NOT NULL
);

CREATE TABLE trade_cursors (
  symbol        TEXT    PRIMARY KEY,
  trades_since  INTEGER NOT NULL,
  -- When the symbol's trades first could not all be read (the hour-long hold that halts entries); NULL once read.
  unread_since  INTEGER
);
