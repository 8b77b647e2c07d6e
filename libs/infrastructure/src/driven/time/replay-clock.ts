import type { Clock } from '@cab/domain';

const DAY_MS = 86_400_000;

/**
 * A paper replay's pipeline clock: candle time, advancing `speed` times as fast as the wall clock
 * from `startMs` on. Every rule written in time — cooldown, loss-streak pause, orders per hour,
 * the daily loss's UTC day, idempotency buckets and TTLs — then counts replayed candles, as in a
 * backtest, instead of wall seconds (at ×60 a one-hour pause on the wall clock was 60 replayed
 * hours). Timers, loop intervals, stall detection, HTTP timeouts and locks stay on the wall clock.
 */
export class ReplayClock implements Clock {
  readonly wallStartMs: number;

  constructor(
    private readonly wall: Clock,
    readonly speed: number,
    readonly startMs: number,
  ) {
    if (!(speed > 0)) throw new RangeError('speed must be > 0');
    this.wallStartMs = wall.now();
  }

  now(): number {
    // Whole milliseconds, like Date.now(): timestamps stored as integers compare the same way.
    return this.startMs + Math.floor((this.wall.now() - this.wallStartMs) * this.speed);
  }
}

/**
 * Where a replay's clock starts: the first instant at or after `notBeforeMs` with the same UTC
 * time of day as `fileMs` (the file's moment the replay starts at). Whole days apart from the file,
 * so UTC days and every bucket that divides a day fall on the same candles as in a backtest of the
 * file; no earlier than `notBeforeMs`, so a restart never goes back before what is already stored.
 */
export function replayStartMs(fileMs: number, notBeforeMs: number): number {
  const days = Math.ceil((notBeforeMs - fileMs) / DAY_MS);
  return fileMs + days * DAY_MS;
}
