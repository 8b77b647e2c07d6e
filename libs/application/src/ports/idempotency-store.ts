/**
 * Idempotency keys are reserved in the database before an order is sent (docs/lessons.md #3). Reserving is
 * atomic across processes: of two reservations of the same live key, exactly one wins. A key
 * whose TTL has passed (IDEMPOTENCY_TTL_SEC) can be reserved again.
 */
export type ReserveResult =
  { ok: true; key: string; expiresAt: number } | { ok: false; code: 'IDEMPOTENCY.TAKEN'; key: string; expiresAt: number; ref: string | null };

export interface IdempotencyEntry {
  key: string;
  /** What the key protects, e.g. the client order id. */
  ref: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface IdempotencyStore {
  /** Reserves `key` for `ttlMs` from now (the store's clock). */
  reserve(key: string, ttlMs: number, ref?: string | null): Promise<ReserveResult>;
  get(key: string): Promise<IdempotencyEntry | null>;
  /** Frees a key early (e.g. the order was refused before anything was sent). */
  release(key: string): Promise<boolean>;
  /** Deletes expired keys; returns how many. */
  purgeExpired(): Promise<number>;
}
