import type { OrderStatus } from './status';

/**
 * What can happen to an order. Events are observations (from the broker's answer, a fill, a
 * timeout or reconciliation), not commands.
 * - submitted: the venue acknowledged the order.
 * - partial / filled: some / all of the amount traded. Gate reports a filled IOC market buy as
 *   "cancelled" (docs/lessons.md #12): the caller maps by filled amount, not by the status string.
 * - canceled / rejected: the venue canceled it or refused it.
 * - unknown: we sent it and do not know what happened (timeout, 5xx, crash) → in_flight, settled
 *   by looking it up by client order id; never re-sent (docs/lessons.md #2).
 */
export const ORDER_EVENTS = ['submitted', 'partial', 'filled', 'canceled', 'rejected', 'unknown'] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

type Table = { readonly [S in OrderStatus]: Readonly<Partial<Record<OrderEvent, OrderStatus>>> };

/**
 * The whole lifecycle. Anything not listed is an illegal transition. Observing the state an order
 * is already in again (a duplicate ack, a replayed fill, a second timeout) leaves it there, so
 * reconciliation can apply what it sees any number of times (docs/lessons.md #11).
 */
export const ORDER_TRANSITIONS: Table = {
  new: { submitted: 'submitted', rejected: 'rejected', unknown: 'in_flight' },
  // The answer was lost: reconciliation finds the order in any state, or not at all (rejected).
  in_flight: { submitted: 'submitted', partial: 'partial', filled: 'filled', canceled: 'canceled', rejected: 'rejected', unknown: 'in_flight' },
  submitted: { submitted: 'submitted', partial: 'partial', filled: 'filled', canceled: 'canceled', rejected: 'rejected', unknown: 'in_flight' },
  // More fills keep it partial; a cancel of the rest ends it with what was filled.
  partial: { partial: 'partial', filled: 'filled', canceled: 'canceled', unknown: 'in_flight' },
  filled: { filled: 'filled' },
  // A late fill after cancel does happen: the fill raced the cancel on the venue.
  canceled: { canceled: 'canceled', filled: 'filled' },
  rejected: { rejected: 'rejected' },
};

export interface IllegalTransition {
  readonly ok: false;
  readonly code: 'ORDER.ILLEGAL_TRANSITION';
  readonly from: OrderStatus;
  readonly event: OrderEvent;
  readonly message: string;
}

export type TransitionResult = { readonly ok: true; readonly status: OrderStatus } | IllegalTransition;

/** The next status, or an illegal transition as a value (the caller logs and alerts; it is not a crash). */
export function transition(from: OrderStatus, event: OrderEvent): TransitionResult {
  const to = ORDER_TRANSITIONS[from][event];
  if (to) return { ok: true, status: to };
  return { ok: false, code: 'ORDER.ILLEGAL_TRANSITION', from, event, message: `order in status ${from} cannot take event ${event}` };
}

/**
 * Steps the table implies before an event. Our row is written as `new` before the order is sent;
 * the venue answering "partly filled", "filled" or "canceled" about it means the venue took it
 * first: the acknowledgment is a step of its own (new → submitted → …), not a shortcut. Nothing
 * else is implied: `new + filled` alone stays illegal in ORDER_TRANSITIONS.
 */
export const ORDER_IMPLIED_STEPS: { readonly [S in OrderStatus]?: Readonly<Partial<Record<OrderEvent, readonly OrderEvent[]>>> } = {
  new: { partial: ['submitted'], filled: ['submitted'], canceled: ['submitted'] },
};

export interface TransitionStep {
  readonly event: OrderEvent;
  readonly from: OrderStatus;
  readonly to: OrderStatus;
}

export type PathResult = { readonly ok: true; readonly status: OrderStatus; readonly steps: readonly TransitionStep[] } | IllegalTransition;

/**
 * Where an event takes an order, step by step through the table: the implied steps first, then
 * the event itself. Every step, staying put included, is a legal transition of ORDER_TRANSITIONS;
 * the first illegal one is returned as a value (the order stays where it was).
 */
export function transitionPath(from: OrderStatus, event: OrderEvent): PathResult {
  const events = [...(ORDER_IMPLIED_STEPS[from]?.[event] ?? []), event];
  const steps: TransitionStep[] = [];
  let at = from;
  for (const e of events) {
    const t = transition(at, e);
    if (!t.ok) return { ...t, from, event, message: `order in status ${from} cannot take event ${event}` };
    steps.push({ event: e, from: at, to: t.status });
    at = t.status;
  }
  return { ok: true, status: at, steps };
}

/** True when no event but a late fill can change the order any more. */
export function isTerminal(status: OrderStatus): boolean {
  return status === 'filled' || status === 'canceled' || status === 'rejected';
}

/** True while the order may still trade or its outcome is unknown: reconciliation must look at it. */
export function isOpen(status: OrderStatus): boolean {
  return status === 'submitted' || status === 'partial' || status === 'in_flight';
}
