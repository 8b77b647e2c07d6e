import type { PayloadOf, TopicName, Topics } from '../events/topics';

/** Receives one event. May be async; a throw or a rejection sends the event to the DLQ. */
export type EventHandler<K extends TopicName> = (event: Readonly<Topics[K]>, topic: K) => void | Promise<void>;

export type Unsubscribe = () => void;

/**
 * The event bus port. Publishing never throws because of a subscriber and never waits for one:
 * delivery is queued per subscriber (see InProcessEventBus), so a slow Telegram call cannot delay
 * an exit order.
 */
export interface EventBus {
  /** Publishes a complete event (eventId, ts and correlationId already set). */
  publish<K extends TopicName>(topic: K, event: Readonly<Topics[K]>): void;
  /**
   * Stamps `payload` with a new eventId and the clock's time, publishes it and returns it.
   * `correlationId` defaults to the new eventId (an event that starts its own story).
   */
  emit<K extends TopicName>(topic: K, payload: PayloadOf<K>, correlationId?: string): Readonly<Topics[K]>;
  /** `name` identifies the subscriber in the DLQ and in metrics; unique per topic. */
  subscribe<K extends TopicName>(topic: K, name: string, handler: EventHandler<K>): Unsubscribe;
}
