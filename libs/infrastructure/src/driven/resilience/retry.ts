/**
 * Retry with exponential backoff and jitter, for operations that are safe to repeat (reads and
 * cancels: docs/lessons.md #2 — never order creation). Sleep and randomness are injected so specs run
 * instantly and deterministically.
 */
export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retry). */
  attempts: number;
  /** Backoff before the 2nd attempt; doubles after each failure. */
  baseMs: number;
  /** Cap on one backoff. */
  maxMs: number;
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1). */
  random: () => number;
}

export type RetryDecision = { retry: false } | { retry: true; afterMs?: number };

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Backoff before attempt `n + 1` after `n` failures: "equal jitter" — half the exponential step
 * fixed, half random — so clients that failed together do not retry together. A server hint
 * (Retry-After) is a floor.
 */
export function backoffMs(failures: number, policy: RetryPolicy, random: () => number, hintMs?: number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  const jittered = step / 2 + random() * (step / 2);
  return Math.round(Math.max(jittered, hintMs ?? 0));
}

/** Runs `op` until `decide` says stop or attempts run out; returns the last outcome. */
export async function retry<T>(op: (attempt: number) => Promise<T>, decide: (outcome: T) => RetryDecision, policy: RetryPolicy, deps: RetryDeps): Promise<T> {
  const attempts = Math.max(1, policy.attempts);
  let outcome = await op(1);
  for (let attempt = 2; attempt <= attempts; attempt++) {
    const d = decide(outcome);
    if (!d.retry) return outcome;
    await deps.sleep(backoffMs(attempt - 1, policy, deps.random, d.afterMs));
    outcome = await op(attempt);
  }
  return outcome;
}
