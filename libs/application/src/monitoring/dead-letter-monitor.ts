import type { DeadLetterEntry, DeadLetterSink } from '../ports/dead-letter';
import type { Logger } from '../ports/logger';
import type { Metrics } from '../ports/metrics';

/**
 * The DLQ subscriber: every dead letter is logged (warn, with topic, subscriber, event id,
 * correlation id and the error) and counted (`cab_dead_letters_total{topic,subscriber}`), then
 * handed to the durable sink (the storage `dlq` table). It wraps the sink rather than subscribing
 * to a bus topic so a broken bus cannot hide its own failures.
 *
 * If the durable sink fails, that is counted and the rejection passed on: the bus then logs the
 * whole entry at error level, so it can still be replayed from the logs.
 */
export class DeadLetterMonitor implements DeadLetterSink {
  private total = 0;
  private readonly byTopic = new Map<string, number>();

  constructor(
    private readonly inner: DeadLetterSink,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async put(entry: DeadLetterEntry): Promise<void> {
    this.total += 1;
    this.byTopic.set(entry.topic, (this.byTopic.get(entry.topic) ?? 0) + 1);
    this.metrics.counter('cab_dead_letters_total', { topic: entry.topic, subscriber: entry.subscriber });
    this.logger.warn('event dead-lettered', {
      topic: entry.topic,
      subscriber: entry.subscriber,
      eventId: entry.event.eventId,
      correlationId: entry.event.correlationId,
      error: entry.error,
    });
    try {
      await this.inner.put(entry);
    } catch (err) {
      this.metrics.counter('cab_dead_letter_store_failures_total', { topic: entry.topic });
      throw err;
    }
  }

  /** Dead letters seen since start, in total and per topic (for /health and the dashboard). */
  counts(): { total: number; byTopic: Readonly<Record<string, number>> } {
    return { total: this.total, byTopic: Object.fromEntries(this.byTopic) };
  }
}
