import { FakeClock } from '@cab/domain/testing';
import { ReplayClock, replayStartMs } from './replay-clock';

const DAY = 86_400_000;

describe('ReplayClock', () => {
  it('runs speed × the wall clock from its start, in whole milliseconds', () => {
    const wall = new FakeClock(1_000);
    const c = new ReplayClock(wall, 60, 5_000_000);
    expect(c.now()).toBe(5_000_000);
    wall.advance(1_000);
    expect(c.now()).toBe(5_060_000);
    wall.advance(0.4);
    expect(c.now()).toBe(5_060_024);
    expect(c.wallStartMs).toBe(1_000);
  });
  it('refuses a speed that is not > 0', () => {
    expect(() => new ReplayClock(new FakeClock(), 0, 0)).toThrow(RangeError);
  });
});

describe('replayStartMs', () => {
  const file = Date.UTC(2022, 11, 13, 3, 21);
  it('is the first instant at or after notBefore at the file time of day (whole days from the file)', () => {
    expect(replayStartMs(file, Date.UTC(2026, 0, 5, 3, 0))).toBe(Date.UTC(2026, 0, 5, 3, 21));
    expect(replayStartMs(file, Date.UTC(2026, 0, 5, 3, 22))).toBe(Date.UTC(2026, 0, 6, 3, 21));
    expect(replayStartMs(file, Date.UTC(2026, 0, 5, 3, 21))).toBe(Date.UTC(2026, 0, 5, 3, 21));
    expect(replayStartMs(file, file - 5 * DAY)).toBe(file - 5 * DAY);
    expect((replayStartMs(file, 1_767_000_000_123) - file) % DAY).toBe(0);
  });
});
