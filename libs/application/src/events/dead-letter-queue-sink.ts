import type { DeadLetterEntry, DeadLetterSink } from '../ports/dead-letter';

/**
 * The row a durable dead-letter queue stores: the event as JSON text (its money fields are
 * already strings, so nothing is lost). Structurally the storage lib's `DeadLetter`, declared
 * here so this adapter does not depend on which branch lands first.
 */
export interface DeadLetterRow {
  ts: number;
  topic: string;
  subscriber: string | null;
  payload: string;
  error: string;
  attempts: number;
}

/** Anything with a `push(row)`: the SQLite `dlq` repository. */
export interface DeadLetterRowWriter {
  push(row: DeadLetterRow): Promise<unknown>;
}

/** Adapts the bus's DeadLetterSink port to a row store such as the `dlq` table. */
export class DeadLetterQueueSink implements DeadLetterSink {
  constructor(private readonly queue: DeadLetterRowWriter) {}

  async put(entry: DeadLetterEntry): Promise<void> {
    await this.queue.push(toDeadLetterRow(entry));
  }
}

export function toDeadLetterRow(entry: DeadLetterEntry): DeadLetterRow {
  return {
    ts: entry.failedAt,
    topic: entry.topic,
    subscriber: entry.subscriber,
    payload: JSON.stringify(entry.event),
    error: entry.error,
    attempts: 1,
  };
}
