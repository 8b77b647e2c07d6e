import { FakeClock } from '@cab/domain/testing';
import { shared } from './shared-call';

describe('shared (one venue call serves every dashboard for a moment)', () => {
  it('answers callers within the window from one call, calls again after it, and never keeps a failure', async () => {
    const clock = new FakeClock();
    let calls = 0;
    let fail = false;
    const get = shared(clock, 2_000, async () => {
      calls++;
      if (fail) throw new Error('venue down');
      return calls;
    });
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    clock.advance(1_999);
    expect(await get()).toBe(1);
    clock.advance(1);
    expect(await get()).toBe(2);
    clock.advance(2_000);
    fail = true;
    await expect(get()).rejects.toThrow('venue down');
    fail = false;
    expect(await get()).toBe(4);
  });
});
