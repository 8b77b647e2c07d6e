/**
 * Time is injected. Domain and application code never read the wall clock (the lint bans
 * `Date.now`, `new Date()` and `Math.random` there): the apps pass a system clock, tests a
 * FakeClock, and a backtest a virtual one, so the same code gives the same answers in all three.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Ids are injected for the same reason: deterministic tests and reproducible backtests. */
export interface IdGenerator {
  next(): string;
}

export const MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** Start of the UTC day holding `ts` (epoch ms). */
export function utcDayStart(ts: number): number {
  return ts - (((ts % MS.day) + MS.day) % MS.day);
}

/** Ids "prefix1", "prefix2", …: deterministic, for backtests and tests (live code injects random ids). */
export class SequentialIds implements IdGenerator {
  private n = 0;
  constructor(private readonly prefix = 'id-') {}
  next(): string {
    this.n += 1;
    return `${this.prefix}${this.n}`;
  }
}
