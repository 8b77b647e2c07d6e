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
