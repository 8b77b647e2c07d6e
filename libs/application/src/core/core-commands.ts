import type { HaltCode } from '../pipeline/trading-state';
import type { FillRecord } from '../ports/fills-repository';
import type { OrderRecord } from '../ports/orders-repository';
import type { PositionRecord } from '../ports/positions-repository';
import type { TradeCursor } from '../ports/safety-state-store';
import type { CoreOutput } from './core-output';

/**
 * What the TradingCore asks of its driver (docs/core.md, "Shape"). `handle` returns them in the
 * order they must be carried out; a step that decides nothing returns none (the same empty array).
 */
export type CoreCommand = PlaceOrderCommand | CancelOrderCommand | RequestReconcileCommand | PersistCommand | PublishCommand;

/**
 * Send this order. `order` is the row as the core recorded it (status `new`, its idempotency key
 * and client order id): the driver commits it before the send (write-ahead, docs/lessons.md #3)
 * and hands the answer back as an OrderReport. The core already counts it as unsettled, so the
 * next decision sees it.
 */
export interface PlaceOrderCommand {
  readonly kind: 'place-order';
  readonly order: OrderRecord;
}

/** Cancel this order of ours at the venue; the answer (or a later look) comes back as an OrderReport. */
export interface CancelOrderCommand {
  readonly kind: 'cancel-order';
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly exchangeOrderId: string | null;
}

/**
 * Look at the venue — its open orders, each unsettled order of ours, the balances — and hand the
 * findings back as a ReconcileReport stamped with `requestedAtSeq` (the core's sequence number
 * when it asked), so a settlement the core applies meanwhile is not compared with an older look.
 */
export interface RequestReconcileCommand {
  readonly kind: 'request-reconcile';
  readonly requestedAtSeq: number;
  /** Why: `start-up` after a restore; a driver's timer asks without a command. */
  readonly reason: string;
}

/** A halt in force (`level`) or cleared (null), as the store keeps it (SafetyStateStore). */
export interface HaltChange {
  readonly code: HaltCode;
  readonly level: 'halted' | 'reducing' | null;
  readonly reason: string;
  /** When it was set or cleared (the core's clock). */
  readonly since: number;
}

/** What changed, to be written in one transaction: an order row, its new fills (by trade id), the position; then halts and a trade cursor. */
export interface PersistCommand {
  readonly kind: 'persist';
  readonly order?: OrderRecord;
  /** The order row is new (an order adopted from the venue): inserted, not updated; the driver tells the core how it went (`adoption-stored`). */
  readonly insert?: boolean;
  readonly fills?: readonly FillRecord[];
  readonly position?: PositionRecord;
  readonly halts?: readonly HaltChange[];
  /** A symbol's reconcile trade cursor moved or was held (SafetyStateStore.saveTradeCursor). */
  readonly tradeCursor?: TradeCursor;
}

/** A fact for the audit log, the event bus, alerts and metrics (one vocabulary: CoreOutput). */
export interface PublishCommand {
  readonly kind: 'publish';
  readonly fact: CoreOutput;
}
