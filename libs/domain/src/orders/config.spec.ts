import { ORDERS_DEFAULTS, ORDERS_SETTING_NAMES, validateOrdersConfig } from './config';

describe('validateOrdersConfig', () => {
  it('accepts a bucket between a second and a day', () => {
    expect(validateOrdersConfig({ idempotencyBucketMs: 60_000 })).toEqual({ ok: true, value: { idempotencyBucketMs: 60_000 } });
    expect(validateOrdersConfig(ORDERS_DEFAULTS).ok).toBe(true);
    expect(ORDERS_SETTING_NAMES.idempotencyBucketMs).toBe('IDEMPOTENCY_BUCKET_MS');
  });

  it.each([999, 86_400_001, 1.5, '60000', undefined])('refuses %p', (v) => {
    const r = validateOrdersConfig({ idempotencyBucketMs: v });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error[0]).toMatch(/^idempotencyBucketMs: must be an integer in \[1000, 86400000\], got /);
  });
});
