import { FieldReader, type Validated } from '../config/validated';
import { IDEMPOTENCY_BUCKET_MS } from './idempotency';

/** Settings: IDEMPOTENCY_BUCKET_MS. */
export interface OrdersConfig {
  /** Width of the idempotency time bucket: one order per (symbol, side) per bucket. */
  readonly idempotencyBucketMs: number;
}

export const ORDERS_SETTING_NAMES: Readonly<Record<keyof OrdersConfig, string>> = { idempotencyBucketMs: 'IDEMPOTENCY_BUCKET_MS' };

export const ORDERS_DEFAULTS: OrdersConfig = { idempotencyBucketMs: IDEMPOTENCY_BUCKET_MS };

/** From one second to one day: shorter buckets stop deduplicating retries, longer ones block real trades. */
export function validateOrdersConfig(input: Partial<Record<keyof OrdersConfig, unknown>>): Validated<OrdersConfig> {
  const r = new FieldReader();
  const value: OrdersConfig = { idempotencyBucketMs: r.integer('idempotencyBucketMs', input.idempotencyBucketMs, 1_000, 86_400_000) };
  return r.done(value);
}
