import { describe, expect, it } from '@jest/globals';
import { backoffMs, retry, type RetryPolicy } from './retry';

const policy: RetryPolicy = { attempts: 4, baseMs: 100, maxMs: 300 };

describe('backoffMs', () => {
  it('doubles from baseMs up to maxMs, with equal jitter', () => {
    const lo = () => 0;
    const hi = () => 0.999999;
    expect([1, 2, 3, 4].map((n) => backoffMs(n, policy, lo))).toEqual([50, 100, 150, 150]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, policy, hi))).toEqual([100, 200, 300, 300]);
  });

  it("never waits less than the server's hint", () => {
    expect(backoffMs(1, policy, () => 0, 2_000)).toBe(2_000);
    expect(backoffMs(3, policy, () => 0.999999, 10)).toBe(300);
  });
});

describe('retry', () => {
  const deps = (sleeps: number[]) => ({ sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 });

  it('stops at the first outcome the decider accepts', async () => {
    const sleeps: number[] = [];
    const outcomes = ['busy', 'busy', 'ok', 'never'];
    let calls = 0;
    const r = await retry(
      async () => outcomes[calls++]!,
      (o) => (o === 'busy' ? { retry: true } : { retry: false }),
      policy,
      deps(sleeps),
    );
    expect(r).toBe('ok');
    expect(calls).toBe(3);
    expect(sleeps).toEqual([75, 150]);
  });

  it('returns the last outcome when attempts run out', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const r = await retry(
      async (n) => (calls++, `busy-${n}`),
      () => ({ retry: true }),
      policy,
      deps(sleeps),
    );
    expect(r).toBe('busy-4');
    expect(calls).toBe(4);
    expect(sleeps).toHaveLength(3);
  });

  it('one attempt means no retry', async () => {
    let calls = 0;
    await retry(
      async () => calls++,
      () => ({ retry: true }),
      { ...policy, attempts: 1 },
      deps([]),
    );
    expect(calls).toBe(1);
  });

  it('passes the hint to the backoff', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await retry(
      async () => calls++,
      (n) => (n === 0 ? { retry: true, afterMs: 5_000 } : { retry: false }),
      policy,
      deps(sleeps),
    );
    expect(sleeps).toEqual([5_000]);
  });
});
