import type { Clock } from '@cab/domain';

/**
 * A token bucket on an injected clock: `capacity` tokens at most (the burst), refilled at
 * `perMinute` tokens a minute (both integers). Integer arithmetic throughout, so it is exact and
 * deterministic under a FakeClock.
 */
export class TokenBucket {
  /** In units of 1/60 000 token, so refill per ms (= perMinute units) is exact integer arithmetic. */
  private units: number;
  private last: number;
  private static readonly UNIT = 60_000;

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly perMinute: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    if (!(perMinute > 0 && Number.isInteger(perMinute) && Number.isInteger(capacity))) {
      throw new RangeError(`capacity and perMinute must be positive integers, got ${capacity}, ${perMinute}`);
    }
    this.units = capacity * TokenBucket.UNIT;
    this.last = clock.now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.units < TokenBucket.UNIT) return false;
    this.units -= TokenBucket.UNIT;
    return true;
  }

  available(): number {
    this.refill();
    return Math.floor(this.units / TokenBucket.UNIT);
  }

  private refill(): void {
    const now = this.clock.now();
    // A clock that steps back (NTP) must not drain the bucket.
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.units = Math.min(this.capacity * TokenBucket.UNIT, this.units + elapsed * this.perMinute);
  }
}
