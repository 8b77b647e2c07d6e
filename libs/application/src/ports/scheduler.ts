/**
 * Periodic tasks: the orchestrator's loops (eval, exits, reconcile, watchdog) run on a Scheduler.
 * Live and paper use TimerScheduler (real timers, in infrastructure); backtests and tests use
 * VirtualScheduler (virtual time advanced by the caller). Same contract for both:
 *
 *  - the first run of a task is `intervalMs` after `every` is called;
 *  - runs of one task never overlap: a run that outlasts the interval delays the next one;
 *  - a task that throws or rejects is reported (logged/counted or passed to onError) and keeps
 *    its schedule: one bad tick must not stop the exits loop;
 *  - `stop()` cancels future runs and resolves once the runs in flight have finished, so a
 *    shutdown never cuts an order placement in half.
 */
export type ScheduledTask = () => void | Promise<void>;

export interface Scheduler {
  /** Runs `fn` every `intervalMs` (> 0) under a unique `name`. A duplicate name is a bug and throws. */
  every(name: string, intervalMs: number, fn: ScheduledTask): void;
  /** Stops one task by name, or all of them; resolves when the stopped runs in flight are done. */
  stop(name?: string): Promise<void>;
}
