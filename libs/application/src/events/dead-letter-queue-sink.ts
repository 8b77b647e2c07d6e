import type { DeadLetterEntry, DeadLetterSink } from '../ports/dead-letter';
import type { DeadLetter, DeadLetterQueue } from '../ports/dead-letter-queue';

/** Adapts the bus's DeadLetterSink port to a row store such as the `dlq` table. */
export class DeadLetterQueueSink implements DeadLetterSink {
  /** Only `push` is needed: the SQLite `dlq` repository, or any row store. */
  constructor(private readonly queue: Pick<DeadLetterQueue, 'push'>) {}

  async put(entry: DeadLetterEntry): Promise<void> {
    await this.queue.push(toDeadLetterRow(entry));
  }
}

/** The row a durable queue stores: the event as JSON text (its money fields are already strings, so nothing is lost). */
export function toDeadLetterRow(entry: DeadLetterEntry): DeadLetter {
  return {
    ts: entry.failedAt,
    topic: entry.topic,
    subscriber: entry.subscriber,
    payload: JSON.stringify(entry.event),
    error: entry.error,
    attempts: 1,
  };
}
