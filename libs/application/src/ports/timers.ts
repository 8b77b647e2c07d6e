/**
 * One-shot timers, injected so timeouts are testable without waiting: the real adapter wraps
 * setTimeout, VirtualScheduler fires them when virtual time passes.
 */
export type CancelTimer = () => void;

export interface Timers {
  /** Calls `fn` once after `ms`; the returned function cancels it (a no-op once fired). */
  after(ms: number, fn: () => void): CancelTimer;
}
