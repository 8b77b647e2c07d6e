import { transition, type OrderEvent } from '@cab/domain';
import type { OrderRecord } from '../ports/orders-repository';

/**
 * The order after an event the core observes with no venue answer to apply — a send's error (in
 * flight or rejected), a restart with its send unanswered (in flight), a reconcile that never found
 * it (rejected): its status from the domain's transition table (ORDER_TRANSITIONS), as an answer's
 * is (applyObservation). Callers step only orders the table lets take the event; an illegal step is
 * their bug, and throws.
 */
export function stepOrder(order: OrderRecord, event: OrderEvent, now: number): OrderRecord {
  const t = transition(order.status, event);
  if (!t.ok) throw new RangeError(`${order.clientOrderId}: ${t.message}`);
  return { ...order, status: t.status, updatedAt: now };
}
