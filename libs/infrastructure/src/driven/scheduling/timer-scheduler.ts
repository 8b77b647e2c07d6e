import { errorText, noopLogger, noopMetrics, type Logger, type Metrics, type ScheduledTask, type Scheduler } from '@cab/application';
import type { Clock } from '@cab/domain';
import { AsyncLocalStorage } from 'node:async_hooks';

export interface TimerSchedulerOptions {
  clock: Clock;
  logger?: Logger;
  metrics?: Metrics;
}

interface Task {
  readonly name: string;
  readonly intervalMs: number;
  readonly fn: ScheduledTask;
  timer: NodeJS.Timeout | null;
  inFlight: Promise<void> | null;
  active: boolean;
}

/**
 * The real-time Scheduler for live and paper mode (the Scheduler contract is in
 * @cab/application's ports/scheduler.ts).
 *
 * Each task is a chain of setTimeout calls, never setInterval: the next run is armed only when the
 * current one has finished, so runs of one task can never overlap. The next run starts `intervalMs`
 * after the previous one STARTED (steady cadence); a run that outlasts its interval is followed at
 * once by the next (counted as an overrun), never by a burst of missed ticks. A run that throws is
 * logged and counted and the task keeps going. `stop()` disarms the timers and waits for the runs
 * in flight, so shutdown never cuts an order placement in half; called from inside a task (a halt)
 * it waits for the other tasks, not for the caller.
 *
 * Metrics: cab_scheduler_runs_total{task}, cab_scheduler_errors_total{task},
 * cab_scheduler_overruns_total{task}, cab_scheduler_run_seconds{task} (histogram).
 */
export class TimerScheduler implements Scheduler {
  private readonly tasks = new Map<string, Task>();
  /** Which task the current async context runs in: a task that stops the scheduler (a halt) must not wait for itself. */
  private readonly context = new AsyncLocalStorage<string>();
  private readonly logger: Logger;
  private readonly metrics: Metrics;

  constructor(private readonly opts: TimerSchedulerOptions) {
    this.logger = (opts.logger ?? noopLogger).child({ component: 'scheduler' });
    this.metrics = opts.metrics ?? noopMetrics;
  }

  every(name: string, intervalMs: number, fn: ScheduledTask): void {
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError(`interval of ${name} must be > 0, got ${intervalMs}`);
    if (this.tasks.has(name)) throw new Error(`task "${name}" is already scheduled`);
    const task: Task = { name, intervalMs, fn, timer: null, inFlight: null, active: true };
    this.tasks.set(name, task);
    this.arm(task, intervalMs);
  }

  async stop(name?: string): Promise<void> {
    const stopping = [...this.tasks.values()].filter((t) => name === undefined || t.name === name);
    for (const t of stopping) {
      t.active = false;
      if (t.timer) clearTimeout(t.timer);
      t.timer = null;
      this.tasks.delete(t.name);
    }
    const self = this.context.getStore();
    await Promise.all(stopping.filter((t) => t.name !== self).map((t) => t.inFlight));
  }

  /** Names of the scheduled tasks, and whether each is running now (for /health and status). */
  status(): { name: string; intervalMs: number; running: boolean }[] {
    return [...this.tasks.values()].map((t) => ({ name: t.name, intervalMs: t.intervalMs, running: t.inFlight !== null }));
  }

  private arm(task: Task, delayMs: number): void {
    task.timer = setTimeout(() => {
      task.timer = null;
      task.inFlight = this.run(task).finally(() => {
        task.inFlight = null;
      });
    }, delayMs);
  }

  private async run(task: Task): Promise<void> {
    const started = this.opts.clock.now();
    try {
      await this.context.run(task.name, task.fn);
    } catch (err) {
      observe(() => {
        this.metrics.counter('cab_scheduler_errors_total', { task: task.name });
        this.logger.error('scheduled task failed', { task: task.name, error: errorText(err) });
      });
    }
    const elapsed = Math.max(0, this.opts.clock.now() - started);
    observe(() => {
      this.metrics.counter('cab_scheduler_runs_total', { task: task.name });
      this.metrics.histogram('cab_scheduler_run_seconds', elapsed / 1000, { task: task.name });
      if (elapsed >= task.intervalMs) {
        this.metrics.counter('cab_scheduler_overruns_total', { task: task.name });
        this.logger.warn('scheduled task overran its interval', { task: task.name, elapsedMs: elapsed, intervalMs: task.intervalMs });
      }
    });
    if (task.active) this.arm(task, Math.max(0, task.intervalMs - elapsed));
  }
}

/** Logging and metrics must never stop a loop: a broken adapter costs a data point, not the exits loop. */
function observe(fn: () => void): void {
  try {
    fn();
  } catch {
    // nowhere safer to report it
  }
}
