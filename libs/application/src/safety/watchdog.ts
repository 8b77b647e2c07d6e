import type { Clock } from '@cab/domain';
import type { EdgeFact } from '../core/edge-fact';
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
  clock: Clock;
  /** Where its facts go: the CorePublisher (heartbeat, stall, trip, refresh → bus, metrics, log). */
  publish(fact: EdgeFact): void;
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
 * refreshed. Paper mode runs the same step with a no-op countdown. What it sees it reports as facts
 * (EdgeFact), carried out by the publisher like the core's.
 */
export class Watchdog {
  private stalled = new Set<string>();

  constructor(private readonly opts: WatchdogOptions) {}

  async run(loops: readonly LoopLiveness[], correlationId: string): Promise<{ stalled: string[]; refreshed: boolean }> {
    const { clock, publish, dmsTimeoutMs } = this.opts;
    const now = clock.now();
    publish({ kind: 'heartbeat', ts: now, loops, correlationId });
    const stalled: string[] = [];
    for (const l of loops) {
      const lag = now - l.lastAliveAt;
      if (lag <= dmsTimeoutMs) continue;
      stalled.push(l.name);
      if (this.stalled.has(l.name)) continue;
      publish({ kind: 'stall', ts: now, loop: l.name, lastRunAt: l.lastAliveAt, stalledForMs: lag, thresholdMs: dmsTimeoutMs, correlationId });
    }
    const fresh = stalled.filter((n) => !this.stalled.has(n));
    this.stalled = new Set(stalled);
    if (stalled.length > 0) {
      if (fresh.length > 0) publish({ kind: 'dms-tripped', ts: now, stalled, thresholdMs: dmsTimeoutMs, correlationId });
      await this.opts.trading.halt('DMS.STALL', `loops stalled: ${stalled.join(', ')}`, 'halted', correlationId);
      return { stalled, refreshed: false };
    }
    let refreshed = true;
    for (const symbol of this.opts.symbols) {
      const r = await this.opts.countdown.arm(symbol, dmsTimeoutMs);
      if (!r.ok) refreshed = false;
      publish({
        kind: 'dms-refresh',
        ts: clock.now(),
        symbol,
        ok: r.ok,
        ...(r.ok ? {} : { error: { code: r.error.code, message: r.error.message } }),
      });
    }
    if (this.opts.trading.has('DMS.STALL')) await this.opts.trading.clear('DMS.STALL', 'every loop is live again');
    return { stalled, refreshed };
  }

  async disarm(): Promise<void> {
    for (const symbol of this.opts.symbols) await this.opts.countdown.disarm(symbol);
  }
}
