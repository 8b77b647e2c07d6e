import type { Decimal, OrderStatus, RiskViolation, Side } from '@cab/domain';
import type { HaltCode } from '../pipeline/trading-state';
import type { OrderRecord } from '../ports/orders-repository';

/**
 * What the TradingCore reports besides fills: the facts an audit log, the event bus or alerts
 * would be told, each in a Publish command. The driver carries them out (live: to the store and
 * the bus) or the core makes none (a backtest: `publish` off). Holds are not reported: a quiet
 * candle makes nothing.
 */
export type CoreOutput =
  /** A buy or sell signal; a hold only when it follows another action (or is the first signal). */
  | { kind: 'signal'; ts: number; symbol: string; action: 'buy' | 'sell' | 'hold'; reasons: readonly string[] }
  /** `violations`: per refused rule its message, threshold and observed value (decimal strings), for a decision log. */
  | {
      kind: 'risk';
      ts: number;
      symbol: string;
      side: Side;
      ok: boolean;
      codes: readonly string[];
      violations?: readonly RiskViolation[];
      /** The limits the verdict checked, as decimal strings (the decision log's table). */
      limits?: Readonly<Record<string, string>>;
    }
  /** A verdict that refused an entry or a sell, once per side, codes and bucket (trade.blocked). */
  | { kind: 'blocked'; ts: number; symbol: string; side: Side; reasons: readonly string[]; limits?: Readonly<Record<string, string>> }
  /**
   * An order after the venue's word on it (error: refused, left in flight, or a look that failed).
   * `before`: what the books held of it before this word (the status it moved from, what had
   * filled): the core's own state, so a repeated answer publishes nothing and a fill is journalled
   * once. `byReconcile`: the word came in a ReconcileReport (the reconcile pass's look), not as the
   * answer to the order's own send or look.
   */
  | { kind: 'order'; ts: number; symbol: string; order: OrderRecord; before: OrderBefore; error?: string; byReconcile?: true }
  /** Nothing sent: a place-order check refused it. */
  | { kind: 'refused'; ts: number; symbol: string; side: Side; reason: string }
  | { kind: 'exit'; ts: number; symbol: string; reason: string; message: string; qty: string }
  | { kind: 'dust'; ts: number; symbol: string; reason: string; dustBase: string }
  /** `reason` and `level` as the store keeps them (a status page lists the halts in force with their reason). */
  /** `again`: the halt was in force already and only its reason changed (not announced twice). */
  | { kind: 'halt'; ts: number; code: HaltCode; level: 'halted' | 'reducing'; reason: string; again?: boolean }
  | { kind: 'resume'; ts: number; code: HaltCode }
  /**
   * A reconcile look disagreed with the books: `halting` when the venue holds less than the position
   * (or its trades went unread too long, or a balance is negative). Scope `order`: an order found only on
   * the venue (adopted); `balance`: the venue's balances as such (compareBalances).
   */
  | {
      kind: 'mismatch';
      ts: number;
      symbol: string;
      scope: 'order' | 'position' | 'balance';
      subject: string;
      expected: string;
      actual: string;
      detail: string;
      halting: boolean;
    }
  /** What a reconcile repaired: an order adopted (`adopted buy 123`), a position set down to the venue's. */
  | { kind: 'repaired'; ts: number; symbol: string; scope: 'order' | 'position'; subject: string; action: string }
  /** A report about an order the core does not know (not ours, or settled too long ago to be remembered). */
  | { kind: 'unknown-report'; ts: number; clientOrderId: string }
  | { kind: 'operator'; ts: number; action: string; actor: string; symbol?: string; clientOrderId?: string };

/**
 * An order as the books held it before a fact about it (an OrderRecord is one). An adopted order
 * enters the books with the venue's first answer: `new` to them, though its row is `submitted`.
 */
export interface OrderBefore {
  readonly status: OrderStatus;
  readonly filledBase: Decimal;
  readonly fee: Decimal;
}
