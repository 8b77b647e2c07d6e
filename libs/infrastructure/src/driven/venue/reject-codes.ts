/**
 * Stable codes of the `rejected` broker errors both adapters return. They are Gate's own error
 * labels, so the paper broker refuses an order exactly as the exchange (and GateVenue, which
 * passes Gate's label through) does, and callers branch on one vocabulary in every mode.
 */
export const REJECT = {
  /** Below min_quote_amount (min notional) or an amount of zero. Gate: "Your order size … is too small. The minimum is 3 USDT". */
  MIN_NOTIONAL: 'INVALID_PARAM_VALUE',
  /** Below min_base_amount. */
  MIN_BASE: 'AMOUNT_TOO_LITTLE',
  /** A price off the tick grid (amounts are rounded down instead, as ccxt does). */
  PRECISION: 'INVALID_PRECISION',
  BALANCE: 'BALANCE_NOT_ENOUGH',
  /** Unknown order, by exchange id or by client order id (Gate's CLIENT_ID_NOT_FOUND folds in here). */
  NOT_FOUND: 'ORDER_NOT_FOUND',
  /** A cancel of an order that has already finished (filled or canceled); cancelOrder reads the order back instead of answering it. */
  ORDER_CLOSED: 'ORDER_CLOSED',
  UNKNOWN_SYMBOL: 'INVALID_CURRENCY_PAIR',
  /** A client order id Gate would not accept as `text`. */
  INVALID_CLIENT_ID: 'INVALID_TEXT',
} as const;

export type RejectCode = (typeof REJECT)[keyof typeof REJECT];
