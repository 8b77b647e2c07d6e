import type { Clock } from '@cab/domain';

/**
 * A token bucket on an injected clock: `capacity` tokens at most (the burst), refilled at
 * `perMinute` tokens a minute. Deterministic under a FakeClock.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly refillPerMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    perMinute: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    if (!(perMinute > 0)) throw new RangeError(`perMinute must be > 0, got ${perMinute}`);
    this.tokens = capacity;
    this.last = clock.now();
    this.refillPerMs = perMinute / 60_000;
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  available(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  private refill(): void {
    const now = this.clock.now();
    // A clock that steps back (NTP) must not drain the bucket.
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerMs);
  }
}
