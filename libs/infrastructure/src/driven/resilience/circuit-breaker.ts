import type { Clock } from '@cab/domain';

export interface BreakerPolicy {
  /** Failures in a row that open the circuit. */
  failures: number;
  /** How long it stays open before one probe is let through. */
  cooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Stops hammering a failing exchange (docs/lessons.md #7). Closed: calls go through, consecutive failures
 * are counted. Open: calls are refused until the cooldown ends. Half-open: exactly one probe goes
 * through; its success closes the circuit, its failure opens it again for another cooldown.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | null = null;
  private probing = false;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly clock: Clock,
  ) {}

  state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.clock.now() - this.openedAt >= this.policy.cooldownMs ? 'half-open' : 'open';
  }

  /** Asks to make a call; a refusal says how long until a probe will be allowed. */
  admit(): Admission {
    const s = this.state();
    if (s === 'closed') return { ok: true };
    if (s === 'half-open' && !this.probing) {
      this.probing = true;
      return { ok: true };
    }
    const left = this.openedAt === null ? 0 : this.policy.cooldownMs - (this.clock.now() - this.openedAt);
    return { ok: false, retryAfterMs: Math.max(0, left) };
  }

  success(): void {
    this.consecutive = 0;
    this.openedAt = null;
    this.probing = false;
  }

  failure(): void {
    this.probing = false;
    if (this.openedAt !== null) {
      // A failed probe (or a late failure while open): a fresh cooldown.
      this.openedAt = this.clock.now();
      return;
    }
    this.consecutive += 1;
    if (this.consecutive >= this.policy.failures) this.openedAt = this.clock.now();
  }
}
