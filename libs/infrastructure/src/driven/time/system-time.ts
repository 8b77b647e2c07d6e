import { randomUUID } from 'node:crypto';
import type { CancelTimer, Timers } from '@cab/application';
import type { Clock, IdGenerator } from '@cab/domain';

/** The wall clock, for live and paper mode (backtests use VirtualScheduler). */
export const systemClock: Clock = { now: () => Date.now() };

/** Random UUIDs (v4) for event ids and correlation ids. */
export const uuidIds: IdGenerator = { next: () => randomUUID() };

/**
 * Real one-shot timers. Unref'd: a pending timeout (a health check's) must not keep a process
 * alive that is otherwise shutting down.
 */
export const systemTimers: Timers = {
  after(ms: number, fn: () => void): CancelTimer {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};
