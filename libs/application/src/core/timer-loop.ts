import type { Clock } from '@cab/domain';
import { errorText, type Logger } from '../ports/logger';
import type { Metrics } from '../ports/metrics';
import type { Scheduler } from '../ports/scheduler';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import type { LoopName, LoopStatus } from './runtime-status';

/**
 * One of the CoreRuntime's timers (eval, exits, reconcile, watchdog), reported as a "loop" in the
 * status, the health check and the metrics: runs `step` on the Scheduler every `intervalMs` and
 * keeps its status (runs, errors, last run, last error). A step that throws is counted and
 * logged; the timer keeps going.
 */
export class TimerLoop {
  private readonly s: LoopStatus;
  /** The loop's metric labels, made once: a run (one per candle in a backtest) allocates none. */
  private readonly labels: { readonly loop: LoopName };
  private inFlightSince: number | null = null;
  private lastEndAt: number | null = null;

  constructor(
    readonly name: LoopName,
    intervalMs: number,
    private readonly step: () => Promise<void>,
    private readonly deps: { clock: Clock; logger: Logger; metrics: Metrics },
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`interval of loop ${name} must be > 0, got ${intervalMs}`);
    this.labels = Object.freeze({ loop: name });
    this.s = { intervalMs, runs: 0, errors: 0, lastRunAt: null, lastDurationMs: null, lastError: null, running: false };
  }

  schedule(scheduler: Scheduler): void {
    scheduler.every(this.name, this.s.intervalMs, () => this.runOnce());
  }

  /** Runs the step now (the first reconcile at start, tests). Never throws. */
  async runOnce(): Promise<void> {
    const { clock, metrics, logger } = this.deps;
    const started = clock.now();
    this.inFlightSince = started;
    this.s.running = true;
    try {
      await this.step();
      this.s.lastError = null;
    } catch (err) {
      this.s.errors++;
      this.s.lastError = errorText(err);
      metrics.counter(PIPELINE_METRICS.loopErrors, this.labels);
      logger.error('loop step failed', { loop: this.name, error: this.s.lastError });
    } finally {
      const end = clock.now();
      this.s.runs++;
      this.s.lastRunAt = started;
      this.s.lastDurationMs = end - started;
      this.lastEndAt = end;
      this.inFlightSince = null;
      this.s.running = false;
      metrics.counter(PIPELINE_METRICS.loopRuns, this.labels);
      metrics.histogram(PIPELINE_METRICS.loopSeconds, (end - started) / 1000, this.labels);
    }
  }

  status(): LoopStatus {
    return { ...this.s };
  }

  /**
   * For the stall detector: since when the loop has owed us a run. While a run is in flight, its
   * start (a run stuck for long is a stall); otherwise when the next run fell due (end of the last
   * run, or `since` = the orchestrator's start, plus one interval), never later than `now`. So a
   * long interval never looks like a stall, and a dead timer does once its run is overdue.
   */
  owedSince(since: number, now: number): number {
    if (this.inFlightSince !== null) return this.inFlightSince;
    return Math.min(now, Math.max(this.lastEndAt ?? since, since) + this.s.intervalMs);
  }
}
