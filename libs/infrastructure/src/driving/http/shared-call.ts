import type { Clock } from '@cab/domain';

/**
 * One call in flight or answered within `ms` serves every caller: each open dashboard refreshes on
 * events, and in live mode health and balances are signed REST calls the venue rate-limits
 * (docs/lessons.md #7).
 */
export function shared<T>(clock: Clock, ms: number, f: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    const now = clock.now();
    if (last && now - last.at < ms) return last.value;
    const value = f();
    last = { at: now, value };
    value.catch(() => (last = null));
    return value;
  };
}
