import { IDEMPOTENCY_BUCKET_MS, idempotencyKey } from './idempotency';

describe('idempotency key', () => {
  it('is the same inside one bucket and changes at its edge', () => {
    const t = 1_700_000_040_000; // a bucket boundary for 60 s buckets
    expect(idempotencyKey('BTC/USDT', 'buy', t)).toBe(`BTC/USDT:buy:${t / IDEMPOTENCY_BUCKET_MS}`);
    expect(idempotencyKey('BTC/USDT', 'buy', t + 59_999)).toBe(idempotencyKey('BTC/USDT', 'buy', t));
    expect(idempotencyKey('BTC/USDT', 'buy', t + 60_000)).not.toBe(idempotencyKey('BTC/USDT', 'buy', t));
    expect(idempotencyKey('BTC/USDT', 'buy', t - 1)).not.toBe(idempotencyKey('BTC/USDT', 'buy', t));
  });

  it('differs by side, symbol and bucket width', () => {
    const t = 1_700_000_000_000;
    expect(idempotencyKey('BTC/USDT', 'sell', t)).not.toBe(idempotencyKey('BTC/USDT', 'buy', t));
    expect(idempotencyKey('ETH/USDT', 'buy', t)).not.toBe(idempotencyKey('BTC/USDT', 'buy', t));
    expect(idempotencyKey('BTC/USDT', 'buy', t, 5_000)).toBe(`BTC/USDT:buy:${t / 5_000}`);
  });

  it.each([0, -1, 1.5, NaN])('refuses bucket width %p', (b) => {
    expect(() => idempotencyKey('BTC/USDT', 'buy', 0, b)).toThrow(RangeError);
  });

  it('refuses a non-finite time', () => {
    expect(() => idempotencyKey('BTC/USDT', 'buy', NaN)).toThrow(RangeError);
  });
});
