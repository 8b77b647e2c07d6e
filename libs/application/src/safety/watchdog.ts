import type { PipelineDeps } from '../pipeline/deps';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import type { Halt, HaltCode } from '../pipeline/trading-state';
import type { CountdownSwitch } from './countdown-switch';

/** What the watchdog needs to know of each watched loop. */
export interface LoopLiveness {
  name: string;
  /** Since when the loop owes a run (see TimerLoop.owedSince): the start of a run still in flight, or when the next run fell due. */
  lastAliveAt: number;
}

export interface WatchdogOptions {
  symbols: readonly string[];
  countdown: CountdownSwitch;
  /** DMS_TIMEOUT_MS: the exchange's countdown, and the stall threshold of the bot's loops. */
  dmsTimeoutMs: number;
  /** Where DMS.STALL is set and cleared: the core runtime's edge halts. */
  trading: {
    halt(code: HaltCode, reason: string, level?: Halt['level'], correlationId?: string): Promise<void>;
    has(code: HaltCode): boolean;
    clear(code: HaltCode, reason: string): Promise<boolean | void>;
  };
}

/**
 * The watchdog step (its own loop): a heartbeat event, the stall detector and the dead man's
 * switch. A loop is stalled when it has owed a run (stuck in one, or overdue) for more than
 * DMS_TIMEOUT_MS. While no loop is stalled, it refreshes the
 * exchange's countdown. When one has not, the bot is stuck: entries halt (DMS.STALL), a stall and a
 * DMS trip are published (alerts), and the countdown is NOT refreshed, so the exchange cancels our
 * open orders when it runs out. Once every loop is live again the halt clears and the countdown is
 * refreshed. Paper mode runs the same step with a no-op countdown.
 */
export class Watchdog {
  private stalled = new Set<string>();

  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: WatchdogOptions,
  ) {}

  async run(loops: readonly LoopLiveness[], correlationId: string): Promise<{ stalled: string[]; refreshed: boolean }> {
    const { clock, bus, metrics, logger } = this.deps;
    const now = clock.now();
    bus.emit('watchdog.heartbeat', { loops: Object.fromEntries(loops.map((l) => [l.name, l.lastAliveAt])) }, correlationId);
    const stalled: string[] = [];
    for (const l of loops) {
      const lag = now - l.lastAliveAt;
      metrics.gauge(PIPELINE_METRICS.loopLagSeconds, lag / 1000, { loop: l.name });
      if (lag <= this.opts.dmsTimeoutMs) continue;
      stalled.push(l.name);
      if (this.stalled.has(l.name)) continue;
      bus.emit('watchdog.stall', { loop: l.name, lastRunAt: l.lastAliveAt, stalledForMs: lag, thresholdMs: this.opts.dmsTimeoutMs }, correlationId);
    }
    const fresh = stalled.filter((n) => !this.stalled.has(n));
    this.stalled = new Set(stalled);
    if (stalled.length > 0) {
      if (fresh.length > 0) {
        metrics.counter(PIPELINE_METRICS.dmsTrips);
        logger.error("loops stalled: dead man's switch tripped", { stalled, thresholdMs: this.opts.dmsTimeoutMs });
        bus.emit(
          'safety.dms_tripped',
          { symbol: null, detail: `loops stalled past ${this.opts.dmsTimeoutMs} ms: ${stalled.join(', ')}; countdown not refreshed` },
          correlationId,
        );
      }
      await this.opts.trading.halt('DMS.STALL', `loops stalled: ${stalled.join(', ')}`, 'halted', correlationId);
      return { stalled, refreshed: false };
    }
    let refreshed = true;
    for (const symbol of this.opts.symbols) {
      const r = await this.opts.countdown.arm(symbol, this.opts.dmsTimeoutMs);
      metrics.counter(PIPELINE_METRICS.dmsRefresh, { outcome: r.ok ? 'ok' : 'failed' });
      if (!r.ok) {
        refreshed = false;
        logger.warn("dead man's switch refresh failed", { symbol, code: r.error.code, message: r.error.message });
      }
    }
    if (this.opts.trading.has('DMS.STALL')) await this.opts.trading.clear('DMS.STALL', 'every loop is live again');
    return { stalled, refreshed };
  }

  async disarm(): Promise<void> {
    for (const symbol of this.opts.symbols) await this.opts.countdown.disarm(symbol);
  }
}
