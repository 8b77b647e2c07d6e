import type { OrderLifecycleEvent, OrderLifecycleEventType } from '@cab/domain';
import type { TopicName } from '../events/topics';

type OrderTopic = Extract<TopicName, `order.${string}`>;

/**
 * THE mapping from the domain's order lifecycle events to bus topics, in one place. The bus keeps
 * its historical names (alerts, metrics and dashboards subscribe to them): an accepted order and a
 * partly filled one are both `order.submitted`.
 */
export const ORDER_EVENT_TOPIC: Readonly<Record<OrderLifecycleEventType, OrderTopic>> = {
  'order.accepted': 'order.submitted',
  'order.partially_filled': 'order.submitted',
  'order.filled': 'order.filled',
  'order.canceled': 'order.canceled',
  'order.rejected': 'order.rejected',
  'order.in_flight': 'order.in_flight',
};

/**
 * The one topic a look at an order publishes: that of the last transition, where the order ended
 * (a `new` order found filled went through accepted, but announces order.filled once). Null when
 * the status did not move.
 */
export function topicOfTransitions(events: readonly OrderLifecycleEvent[]): OrderTopic | null {
  const last = events[events.length - 1];
  return last ? ORDER_EVENT_TOPIC[last.type] : null;
}
