import type { Clock, IdGenerator } from '@cab/domain';
import type { DeadLetterSink } from '../ports/dead-letter';
import type { EventBus, EventHandler, Unsubscribe } from '../ports/event-bus';
import { errorText, noopLogger, type Logger } from '../ports/logger';
import { noopMetrics, type MetricLabels, type Metrics } from '../ports/metrics';
import { Fifo } from './fifo';
import type { AnyEvent, PayloadOf, TopicName, Topics } from './topics';

export interface InProcessEventBusOptions {
  clock: Clock;
  ids: IdGenerator;
  deadLetters: DeadLetterSink;
  logger?: Logger;
  metrics?: Metrics;
  /**
   * Events waiting for one subscriber before new ones go to the DLQ instead (default 10 000). It
   * bounds the memory a stuck subscriber can hold; the trading path never waits on it.
   */
  maxQueuePerSubscriber?: number;
}

interface Subscription {
  readonly topic: TopicName;
  readonly name: string;
  readonly handler: (event: AnyEvent, topic: TopicName) => void | Promise<void>;
  readonly queue: Fifo<AnyEvent>;
  pumping: Promise<void> | null;
  active: boolean;
}

export interface EventBusStats {
  published: number;
  delivered: number;
  failed: number;
  overflowed: number;
  /** Events waiting in subscriber queues right now. */
  queued: number;
}

/**
 * The in-process EventBus.
 *
 * Delivery is QUEUED, per subscription (one subscriber on one topic), and asynchronous: `publish`
 * freezes the event, appends it to each subscription's FIFO queue and returns at once; each queue
 * is drained by its own pump, one event at a time, starting on a microtask after `publish`
 * returns. So:
 *  - the publisher never waits for a subscriber, and a slow (awaiting) subscriber delays only its
 *    own queue, never trading and never the other subscribers;
 *  - a subscriber sees a topic's events in publish order (one pump per queue, awaited handler);
 *  - a handler that throws or rejects sends (event, topic, subscriber, error text) to the
 *    DeadLetterSink; a sink that fails is logged and counted; nothing reaches the publisher;
 *  - a subscriber whose queue is full (stuck handler) has new events dead-lettered as
 *    "queue overflow" instead of growing memory without bound.
 * The limit of queuing in one thread: a handler that blocks the CPU synchronously still blocks the
 * event loop; handlers do I/O asynchronously.
 *
 * `drain()` waits until every queue is empty: for tests, backtests (deterministic replay) and
 * shutdown.
 */
export class InProcessEventBus implements EventBus {
  private readonly subs = new Map<TopicName, Subscription[]>();
  private readonly pending = new Set<Promise<void>>();
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly maxQueue: number;
  private readonly counts = { published: 0, delivered: 0, failed: 0, overflowed: 0 };

  constructor(private readonly opts: InProcessEventBusOptions) {
    this.logger = opts.logger ?? noopLogger;
    this.metrics = opts.metrics ?? noopMetrics;
    this.maxQueue = opts.maxQueuePerSubscriber ?? 10_000;
    if (!(this.maxQueue >= 1)) throw new RangeError(`maxQueuePerSubscriber must be ≥ 1, got ${this.maxQueue}`);
  }

  publish<K extends TopicName>(topic: K, e: Readonly<Topics[K]>): void {
    const event = e as unknown as AnyEvent; // one queue type for every topic
    deepFreeze(event);
    this.counts.published += 1;
    this.count('cab_events_published_total', { topic });
    for (const sub of this.subs.get(topic) ?? []) {
      if (!sub.active) continue;
      if (sub.queue.length >= this.maxQueue) {
        this.counts.overflowed += 1;
        this.track(this.deadLetter(sub, topic, event, `queue overflow: ${sub.queue.length} events waiting`));
        continue;
      }
      sub.queue.push(event);
      if (!sub.pumping) {
        const p = this.pump(sub).finally(() => {
          sub.pumping = null;
          this.pending.delete(p);
        });
        sub.pumping = p;
        this.pending.add(p);
      }
    }
  }

  emit<K extends TopicName>(topic: K, payload: PayloadOf<K>, correlationId?: string): Readonly<Topics[K]> {
    const eventId = this.opts.ids.next();
    const event = {
      ...payload,
      eventId,
      ts: this.opts.clock.now(),
      correlationId: correlationId ?? eventId,
    } as unknown as Topics[K];
    this.publish(topic, event);
    return event;
  }

  subscribe<K extends TopicName>(topic: K, name: string, handler: EventHandler<K>): Unsubscribe {
    const list = this.subs.get(topic) ?? [];
    if (list.some((s) => s.name === name)) throw new Error(`subscriber "${name}" already subscribed to ${topic}`);
    const sub: Subscription = {
      topic,
      name,
      handler: handler as unknown as Subscription['handler'],
      queue: new Fifo<AnyEvent>(),
      pumping: null,
      active: true,
    };
    this.subs.set(topic, [...list, sub]);
    return () => {
      sub.active = false;
      sub.queue.clear();
      this.subs.set(
        topic,
        (this.subs.get(topic) ?? []).filter((s) => s !== sub),
      );
    };
  }

  /** Resolves when every subscriber queue is empty and every dead letter written. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  stats(): EventBusStats {
    let queued = 0;
    for (const list of this.subs.values()) for (const s of list) queued += s.queue.length;
    return { ...this.counts, queued };
  }

  private async pump(sub: Subscription): Promise<void> {
    // Never run a handler inside publish(): the publisher's code finishes first.
    await Promise.resolve();
    while (sub.active && sub.queue.length > 0) {
      const event = sub.queue.shift() as AnyEvent;
      try {
        await sub.handler(event, sub.topic);
        this.counts.delivered += 1;
      } catch (err) {
        this.counts.failed += 1;
        await this.deadLetter(sub, sub.topic, event, errorText(err));
      }
    }
  }

  private async deadLetter(sub: Subscription, topic: TopicName, event: AnyEvent, error: string): Promise<void> {
    this.count('cab_events_failed_total', { topic, subscriber: sub.name });
    try {
      await this.opts.deadLetters.put({ topic, subscriber: sub.name, event, error, failedAt: this.opts.clock.now() });
    } catch (sinkErr) {
      // The last resort: the event is lost, so say so loudly with everything needed to replay it.
      this.count('cab_dead_letter_write_failures_total', { topic });
      try {
        this.logger.error('dead letter not stored', {
          topic,
          subscriber: sub.name,
          eventId: event.eventId,
          correlationId: event.correlationId,
          error,
          sinkError: errorText(sinkErr),
          event,
        });
      } catch {
        // A logger that throws has nowhere left to report to; the counter above still moved.
      }
    }
  }

  /** Metrics are observability, not trading: a broken adapter (label mismatch) must not throw into publish. */
  private count(name: string, labels: MetricLabels): void {
    try {
      this.metrics.counter(name, labels);
    } catch (err) {
      try {
        this.logger.warn('metric update failed', { metric: name, error: errorText(err) });
      } catch {
        // see deadLetter
      }
    }
  }

  private track(p: Promise<void>): void {
    const t = p.finally(() => this.pending.delete(t));
    this.pending.add(t);
  }
}

/**
 * Events are facts: freeze them (and their arrays and records) so no subscriber can edit one.
 * Only plain objects and arrays: a class instance that slipped in (a Decimal instead of its
 * string) is left alone rather than broken.
 */
function deepFreeze(x: unknown): void {
  if (x === null || typeof x !== 'object' || Object.isFrozen(x)) return;
  const proto = Object.getPrototypeOf(x);
  if (!Array.isArray(x) && proto !== Object.prototype && proto !== null) return;
  Object.freeze(x);
  for (const v of Object.values(x)) deepFreeze(v);
}
