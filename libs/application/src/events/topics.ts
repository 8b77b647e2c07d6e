import type { OrderStatus, Side } from '@cab/domain';

/**
 * Events are immutable facts on typed topics. Every event carries `eventId`, `ts` (epoch ms from
 * the injected Clock) and `correlationId` (the id of the evaluation, order or reconcile run that
 * caused it, so one trade can be followed across topics and logs). Money is a decimal string
 * (`str(x)` from @cab/domain): events go to logs, JSON, SQLite and Telegram as they are.
 */
export interface EventMeta {
  readonly eventId: string;
  readonly ts: number;
  readonly correlationId: string;
}

/** A decimal amount written as text ("0.00120000" is fine, a JS number is not). */
export type DecimalString = string;

/**
 * How a trade (or an exit) came about, for alerts and the journal: `stop` and `trailing` are the exit
 * rules', `manual` an operator's force exit (or an order with no reason).
 */
export type TradeReason = 'signal' | 'stop' | 'trailing' | 'manual' | 'reconcile';

export interface TradeCompleted extends EventMeta {
  readonly symbol: string;
  readonly side: Side;
  readonly reason: TradeReason;
  readonly clientOrderId: string;
  readonly orderId: string;
  /** Gross base filled, before a base-currency fee. */
  readonly filledBase: DecimalString;
  readonly filledQuote: DecimalString;
  readonly averagePrice: DecimalString | null;
  readonly fee: DecimalString;
  readonly feeCurrency: string | null;
  /** Realized PnL in quote, for sells that close (part of) a position. */
  readonly realizedPnl?: DecimalString;
}

export interface TradeBlocked extends EventMeta {
  readonly symbol: string;
  readonly side: Side;
  /** Every reason, as stable codes ("RISK.COOLDOWN"), not just the first. */
  readonly reasons: readonly string[];
  /** The limits that were checked, as decimal strings. */
  readonly limits: Readonly<Record<string, DecimalString>>;
}

/** Kinds of BrokerError, plus 'internal' for a failure of our own (a bug caught at the edge). */
export type FailureKind = 'rejected' | 'retryable' | 'ambiguous' | 'fatal' | 'internal';

export interface TradeFailed extends EventMeta {
  readonly symbol: string;
  readonly side: Side;
  readonly clientOrderId: string | null;
  readonly kind: FailureKind;
  readonly code: string;
  readonly message: string;
}

/** One payload for every order.* topic: the topic says what happened, `status` where it stands. */
export interface OrderStatusChanged extends EventMeta {
  readonly symbol: string;
  readonly side: Side;
  readonly clientOrderId: string;
  readonly orderId: string | null;
  readonly status: OrderStatus;
  readonly filledBase: DecimalString;
  readonly filledQuote: DecimalString;
  readonly reason?: string;
}

export type ReconcileScope = 'order' | 'position' | 'balance';

export interface ReconcileMismatch extends EventMeta {
  readonly symbol: string;
  readonly scope: ReconcileScope;
  /** What disagrees: an order's client id, a currency. */
  readonly subject: string;
  /** Our record and the exchange's, as text (amounts are decimal strings). */
  readonly expected: string;
  readonly actual: string;
  readonly detail: string;
}

export interface ReconcileRepaired extends EventMeta {
  readonly symbol: string;
  readonly scope: ReconcileScope;
  readonly subject: string;
  /** What was done: "adopted order", "marked filled", "position set to 0.0012". */
  readonly action: string;
}

export interface ReconcileCompleted extends EventMeta {
  readonly symbol: string;
  readonly checked: number;
  readonly mismatches: number;
  readonly repaired: number;
  readonly durationMs: number;
}

export interface WatchdogHeartbeat extends EventMeta {
  /** Last completed run of each loop (epoch ms), null when it never ran. */
  readonly loops: Readonly<Record<string, number | null>>;
}

export interface WatchdogStall extends EventMeta {
  readonly loop: string;
  readonly lastRunAt: number | null;
  readonly stalledForMs: number;
  readonly thresholdMs: number;
}

export interface SafetyHalted extends EventMeta {
  /** Stable code of the cause ("BROKER.FATAL", "RISK.MAX_DRAWDOWN", "OPERATOR"). */
  readonly code: string;
  readonly reason: string;
}

export interface SafetyResumed extends EventMeta {
  readonly reason: string;
}

export interface SafetyDmsTripped extends EventMeta {
  readonly symbol: string | null;
  readonly detail: string;
}

/** Who holds an instance lock: never the API key, only what an operator needs to find it. */
export interface LockHolderInfo {
  readonly pid: number;
  readonly host: string;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
}

export interface SafetyLockRefused extends EventMeta {
  readonly scope: 'db' | 'account';
  readonly holder: LockHolderInfo | null;
  readonly detail: string;
}

export interface Topics {
  'trade.completed': TradeCompleted;
  'trade.blocked': TradeBlocked;
  'trade.failed': TradeFailed;
  'order.submitted': OrderStatusChanged;
  'order.filled': OrderStatusChanged;
  'order.canceled': OrderStatusChanged;
  'order.rejected': OrderStatusChanged;
  'order.in_flight': OrderStatusChanged;
  'reconcile.mismatch': ReconcileMismatch;
  'reconcile.repaired': ReconcileRepaired;
  'reconcile.completed': ReconcileCompleted;
  'watchdog.heartbeat': WatchdogHeartbeat;
  'watchdog.stall': WatchdogStall;
  'safety.halted': SafetyHalted;
  'safety.resumed': SafetyResumed;
  'safety.dms_tripped': SafetyDmsTripped;
  'safety.lock_refused': SafetyLockRefused;
}

export type TopicName = keyof Topics;
export type AnyEvent = Topics[TopicName];
/** What a publisher supplies: the event without the fields the bus stamps. */
export type PayloadOf<K extends TopicName> = Omit<Topics[K], keyof EventMeta>;

/** Every topic, for iteration and validation at runtime (checked against `Topics` by the compiler). */
export const TOPIC_NAMES = [
  'trade.completed',
  'trade.blocked',
  'trade.failed',
  'order.submitted',
  'order.filled',
  'order.canceled',
  'order.rejected',
  'order.in_flight',
  'reconcile.mismatch',
  'reconcile.repaired',
  'reconcile.completed',
  'watchdog.heartbeat',
  'watchdog.stall',
  'safety.halted',
  'safety.resumed',
  'safety.dms_tripped',
  'safety.lock_refused',
] as const satisfies readonly TopicName[];

// Compile-time proof that TOPIC_NAMES lists every topic: fails to compile when one is missing.
type _Missing = Exclude<TopicName, (typeof TOPIC_NAMES)[number]>;
const _allListed: [_Missing] extends [never] ? true : _Missing = true;
void _allListed;
