import type { Clock } from '@cab/domain';
import { errorText } from '../ports/logger';
import type { Timers } from '../ports/timers';

export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface CheckResult {
  status: HealthStatus;
  detail?: string;
}

/** One component's check: DB, broker, market data freshness, loop liveness… */
export interface ComponentCheck {
  name: string;
  /** Critical components decide readiness: /ready is true only when all of them are ok. */
  critical: boolean;
  /** Overrides the checker's default timeout for this check. */
  timeoutMs?: number;
  check(): Promise<CheckResult>;
}

export interface ComponentHealth {
  name: string;
  critical: boolean;
  status: HealthStatus;
  detail: string | null;
  durationMs: number;
}

export interface HealthReport {
  /** Worst of: any critical down → down; anything not ok → degraded; else ok. */
  status: HealthStatus;
  /** All critical components ok. */
  ready: boolean;
  /** Epoch ms when the checks started. */
  checkedAt: number;
  components: ComponentHealth[];
}

export interface HealthCheckerOptions {
  clock: Clock;
  timers: Timers;
  /** Per-check timeout unless a check sets its own (default 2 000 ms). */
  defaultTimeoutMs?: number;
}

const STATUSES: readonly HealthStatus[] = ['ok', 'degraded', 'down'];

/**
 * Aggregates component checks into the data behind /health (every component) and /ready (the
 * critical ones). Checks run concurrently; each is bounded by a timeout (a hung DB must not hang
 * /health), and a check that throws, times out or returns nonsense counts as `down` with the
 * reason in `detail`. Concurrent calls share the run in flight, so a scraper hammering /health
 * costs one set of checks at a time.
 */
export class HealthChecker {
  private readonly checks: ComponentCheck[] = [];
  private readonly defaultTimeoutMs: number;
  private inFlight: { critical: boolean; promise: Promise<HealthReport> }[] = [];

  constructor(
    private readonly opts: HealthCheckerOptions,
    checks: readonly ComponentCheck[] = [],
  ) {
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 2_000;
    for (const c of checks) this.register(c);
  }

  /** Adds a check; a duplicate name is a bug and throws. */
  register(check: ComponentCheck): this {
    if (this.checks.some((c) => c.name === check.name)) throw new Error(`health check "${check.name}" is already registered`);
    const timeout = check.timeoutMs ?? this.defaultTimeoutMs;
    if (!(timeout > 0)) throw new RangeError(`timeout of check ${check.name} must be > 0, got ${timeout}`);
    this.checks.push(check);
    return this;
  }

  /** Every component: the body of /health. */
  health(): Promise<HealthReport> {
    return this.shared(false);
  }

  /** Critical components only: the body of /ready (cheaper; non-critical checks are skipped). */
  readiness(): Promise<HealthReport> {
    return this.shared(true);
  }

  private shared(criticalOnly: boolean): Promise<HealthReport> {
    const running = this.inFlight.find((r) => r.critical === criticalOnly);
    if (running) return running.promise;
    const entry = { critical: criticalOnly, promise: this.runAll(criticalOnly) };
    this.inFlight.push(entry);
    const done = (): void => {
      this.inFlight = this.inFlight.filter((r) => r !== entry);
    };
    entry.promise.then(done, done);
    return entry.promise;
  }

  private async runAll(criticalOnly: boolean): Promise<HealthReport> {
    const checkedAt = this.opts.clock.now();
    const selected = this.checks.filter((c) => !criticalOnly || c.critical);
    const components = await Promise.all(selected.map((c) => this.runOne(c)));
    return aggregate(components, checkedAt);
  }

  private async runOne(c: ComponentCheck): Promise<ComponentHealth> {
    const started = this.opts.clock.now();
    const timeoutMs = c.timeoutMs ?? this.defaultTimeoutMs;
    let cancel: () => void = () => undefined;
    const timeout = new Promise<CheckResult>((resolve) => {
      cancel = this.opts.timers.after(timeoutMs, () => resolve({ status: 'down', detail: `timed out after ${timeoutMs} ms` }));
    });
    let result: CheckResult;
    try {
      result = await Promise.race([Promise.resolve().then(() => c.check()), timeout]);
    } catch (err) {
      result = { status: 'down', detail: `check failed: ${errorText(err)}` };
    } finally {
      cancel();
    }
    const valid = result !== null && typeof result === 'object' && STATUSES.includes(result.status);
    return {
      name: c.name,
      critical: c.critical,
      status: valid ? result.status : 'down',
      detail: valid ? (result.detail ?? null) : `invalid check result: ${errorText(result)}`,
      durationMs: this.opts.clock.now() - started,
    };
  }
}

/** The pure aggregation rule, exported for the apps that merge reports (server + worker). */
export function aggregate(components: ComponentHealth[], checkedAt: number): HealthReport {
  const critical = components.filter((c) => c.critical);
  const ready = critical.every((c) => c.status === 'ok');
  const status: HealthStatus = critical.some((c) => c.status === 'down') ? 'down' : components.every((c) => c.status === 'ok') ? 'ok' : 'degraded';
  return { status, ready, checkedAt, components };
}
