import type { EventBus, Unsubscribe } from '../ports/event-bus';
import { TOPIC_NAMES, type AnyEvent, type TopicName } from './topics';

/**
 * One handler on many topics (every topic by default): for the audit journal, per-topic metrics,
 * a log of all events. Each topic gets its own queue, named `name`, so a failure still names the
 * subscriber and the topic in the DLQ.
 */
export function subscribeAll(
  bus: EventBus,
  name: string,
  handler: (event: Readonly<AnyEvent>, topic: TopicName) => void | Promise<void>,
  topics: readonly TopicName[] = TOPIC_NAMES,
): Unsubscribe {
  const offs = topics.map((topic) => bus.subscribe(topic, name, (event, t) => handler(event as Readonly<AnyEvent>, t)));
  return () => offs.forEach((off) => off());
}
