import type { Clock } from '@cab/domain';
import type { Scheduler, ScheduledTask } from '../ports/scheduler';
import type { CancelTimer, Timers } from '../ports/timers';

export interface VirtualSchedulerOptions {
  /** Virtual start time, epoch ms. */
  startMs: number;
  /**
   * Called when a task throws or rejects; the task keeps its schedule. Without it the error
   * rejects `advance`, so a test or a backtest never loses an error silently.
   */
  onError?: (name: string, err: unknown) => void;
}

interface Entry {
  readonly name: string | null;
  readonly seq: number;
  due: number;
  readonly intervalMs: number | null;
  readonly fn: ScheduledTask | (() => void);
  active: boolean;
}

/** Run order: due time, then registration (seq is unique, so this is a total order). */
const before = (a: Entry, b: Entry): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

/**
 * Virtual time for backtests and tests: a Clock, a Scheduler and Timers in one object. Time moves
 * only in `advance`/`advanceTo`, which run every task and timer that falls due, in order of due
 * time and then of registration, each awaited before the next: the same inputs always give the
 * same run order, whatever the tasks await. A run takes no virtual time, so a periodic task runs
 * at exactly start + k·interval.
 *
 * Caveat: a task awaiting something that only a later virtual moment resolves (a Timers.after in
 * this same scheduler) would wait forever inside `advance`; such waits belong outside tasks.
 */
export class VirtualScheduler implements Clock, Scheduler, Timers {
  private ms: number;
  private seq = 0;
  /** Every task and timer, a binary min-heap on (due, seq); stopped ones leave it when they reach the top. */
  private readonly heap: Entry[] = [];
  private advancing = false;

  constructor(private readonly opts: VirtualSchedulerOptions) {
    this.ms = opts.startMs;
  }

  now(): number {
    return this.ms;
  }

  every(name: string, intervalMs: number, fn: ScheduledTask): void {
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError(`interval of ${name} must be > 0, got ${intervalMs}`);
    if (this.heap.some((e) => e.active && e.name === name)) throw new Error(`task "${name}" is already scheduled`);
    this.push({ name, seq: this.seq++, due: this.ms + intervalMs, intervalMs, fn, active: true });
  }

  after(ms: number, fn: () => void): CancelTimer {
    const entry: Entry = { name: null, seq: this.seq++, due: this.ms + Math.max(0, ms), intervalMs: null, fn, active: true };
    this.push(entry);
    return () => {
      entry.active = false;
    };
  }

  /**
   * Stops tasks. Runs happen only inside `advance`, and the caller of `advance` is the one who
   * waits for them (`await advance(...)`), so this never waits: a task may stop the scheduler
   * (a halt) without waiting for itself.
   */
  async stop(name?: string): Promise<void> {
    for (const e of this.heap) if (e.name !== null && (name === undefined || e.name === name)) e.active = false;
  }

  /** Moves time forward by `ms`, running everything due on the way. */
  advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms}`);
    return this.advanceTo(this.ms + ms);
  }

  /** Moves time to `targetMs` (not backwards), running everything due on the way. */
  async advanceTo(targetMs: number): Promise<void> {
    if (targetMs < this.ms) throw new RangeError(`time only moves forward: ${targetMs} < ${this.ms}`);
    if (this.advancing) throw new Error('advance called from inside a task: virtual time is already moving');
    this.advancing = true;
    try {
      for (let e = this.top(); e && e.due <= targetMs; e = this.top()) {
        this.ms = e.due;
        this.pop();
        if (e.intervalMs === null) e.active = false;
        else {
          // Rescheduled before it runs, as a periodic task keeps its slot whatever the run does.
          e.due += e.intervalMs;
          this.push(e);
        }
        // Inline rather than a helper: one promise less per run, and a backtest makes millions.
        try {
          await e.fn();
        } catch (err) {
          if (!this.opts.onError) throw err;
          this.opts.onError(e.name ?? 'timer', err);
        }
      }
      this.ms = targetMs;
    } finally {
      this.advancing = false;
    }
  }

  /** Due time of the next task or timer, or null when nothing is scheduled. */
  nextDueAt(): number | null {
    const e = this.top();
    return e ? e.due : null;
  }

  /** Names of the active periodic tasks, in the order they were scheduled. */
  tasks(): string[] {
    return this.heap
      .filter((e) => e.active && e.name !== null)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.name as string);
  }

  /** The active entry due first (then registered first), dropping stopped ones on the way; it stays in the heap. */
  private top(): Entry | undefined {
    let e = this.heap[0];
    while (e && !e.active) {
      this.pop();
      e = this.heap[0];
    }
    return e;
  }

  private push(e: Entry): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const up = (i - 1) >> 1;
      const p = h[up] as Entry;
      if (!before(e, p)) break;
      h[i] = p;
      i = up;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r] as Entry, h[l] as Entry) ? r : l;
      const child = h[c] as Entry;
      if (!before(child, last)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
  }
}
