import type { AnyEvent, TopicName } from '../events/topics';

/**
 * An event a subscriber could not handle. Kept so an operator can see what was missed (an alert
 * never sent, a journal row never written) and replay it. The storage adapter writes it to the
 * `dlq` table (event as JSON: its money fields are already strings).
 */
export interface DeadLetterEntry {
  readonly topic: TopicName;
  /** The subscriber that failed, as named in `subscribe`. */
  readonly subscriber: string;
  readonly event: Readonly<AnyEvent>;
  /** The error text (never a stack, never a secret: subscribers redact their own). */
  readonly error: string;
  /** When delivery failed, epoch ms. */
  readonly failedAt: number;
}

export interface DeadLetterSink {
  /** Stores one dead letter. May reject (disk full): the bus logs and counts that, never throws. */
  put(entry: DeadLetterEntry): Promise<void>;
}
