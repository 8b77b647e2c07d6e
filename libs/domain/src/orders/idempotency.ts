import type { Side } from '../market/types';

/**
 * Default width of the idempotency time bucket: one intent per (symbol, side) per minute. The
 * application takes IDEMPOTENCY_BUCKET_MS from its settings and passes it in.
 */
export const IDEMPOTENCY_BUCKET_MS = 60_000;

/**
 * The idempotency key of a trade intent: f(symbol, side, floor(ts / bucketMs)). Two evaluations
 * of the same signal inside one bucket give the same key, so the database's unique constraint
 * refuses the second order before it is sent (docs/lessons.md #3).
 */
export function idempotencyKey(symbol: string, side: Side, ts: number, bucketMs: number = IDEMPOTENCY_BUCKET_MS): string {
  if (!Number.isInteger(bucketMs) || bucketMs <= 0) throw new RangeError(`bucketMs must be a positive integer, got ${bucketMs}`);
  if (!Number.isFinite(ts)) throw new RangeError(`ts must be finite, got ${ts}`);
  return `${symbol}:${side}:${Math.floor(ts / bucketMs)}`;
}
