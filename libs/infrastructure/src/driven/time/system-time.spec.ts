import { systemClock, systemTimers, uuidIds } from './system-time';

describe('system time', () => {
  it('timers fire once, and not after cancel', async () => {
    const fired: string[] = [];
    systemTimers.after(1, () => fired.push('a'));
    const cancel = systemTimers.after(1, () => fired.push('b'));
    cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toEqual(['a']);
  });

  it('ids are unique UUIDs; the clock is epoch ms', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidIds.next()));
    expect(ids.size).toBe(1000);
    expect([...ids][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(systemClock.now()).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });
});
