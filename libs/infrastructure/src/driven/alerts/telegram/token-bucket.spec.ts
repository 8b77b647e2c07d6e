import fc from 'fast-check';
import { FakeClock } from '@cab/domain/testing';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the sustained rate, never above capacity', () => {
    const clock = new FakeClock(0);
    const b = new TokenBucket(clock, 3, 6); // one token per 10 s
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    clock.advance(9_999);
    expect(b.take()).toBe(false);
    clock.advance(1);
    expect(b.take()).toBe(true);
    clock.advance(3_600_000);
    expect(b.available()).toBe(3);
  });

  it('a clock stepping back neither refills nor drains', () => {
    const clock = new FakeClock(100_000);
    const b = new TokenBucket(clock, 1, 1);
    expect(b.take()).toBe(true);
    clock.set(0);
    expect(b.take()).toBe(false);
    clock.set(60_000);
    expect(b.take()).toBe(true);
  });

  it('rejects a nonsense configuration', () => {
    expect(() => new TokenBucket(new FakeClock(), 0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(new FakeClock(), 1, 0)).toThrow(RangeError);
  });
});

describe('TokenBucket property', () => {
  it('never grants more than capacity + rate × elapsed, and grants at least the capacity at once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30_000 })), { maxLength: 200 }),
        (capacity, perMinute, gaps) => {
          const clock = new FakeClock(0);
          const b = new TokenBucket(clock, capacity, perMinute);
          let granted = 0;
          for (let i = 0; i < capacity; i++) granted += b.take() ? 1 : 0;
          expect(granted).toBe(capacity);
          for (const gap of gaps) {
            clock.advance(gap);
            granted += b.take() ? 1 : 0;
          }
          expect(granted).toBeLessThanOrEqual(capacity + Math.floor((perMinute * clock.now()) / 60_000));
        },
      ),
    );
  });
});
