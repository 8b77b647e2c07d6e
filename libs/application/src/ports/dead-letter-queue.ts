/** An event a subscriber failed to handle. A failing subscriber never breaks the publisher. */
export interface DeadLetter {
  ts: number;
  topic: string;
  subscriber: string | null;
  /** The event as JSON text. */
  payload: string;
  error: string;
  attempts: number;
}

export interface DeadLetterRecord extends DeadLetter {
  id: number;
}

export interface DeadLetterQueue {
  push(letter: DeadLetter): Promise<number>;
  /** Oldest first. */
  list(options?: { topic?: string; limit?: number }): Promise<DeadLetterRecord[]>;
  remove(id: number): Promise<boolean>;
  count(): Promise<number>;
}
