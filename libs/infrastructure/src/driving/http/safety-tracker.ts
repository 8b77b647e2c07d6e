import type { CountdownResult, CountdownSwitch, EventBus, Unsubscribe } from '@cab/application';
import type { Clock } from '@cab/domain';

export interface ReconcilePass {
  symbol: string;
  at: number;
  checked: number;
  mismatches: number;
  repaired: number;
  durationMs: number;
}

export interface DriftNote {
  at: number;
  symbol: string;
  scope: string;
  subject: string;
  /** found: what disagreed; repaired: what was done. */
  kind: 'found' | 'repaired';
  detail: string;
}

export interface CountdownView {
  symbol: string;
  armed: boolean;
  lastRefreshAt: number | null;
  /** When the exchange cancels every open order on the pair unless refreshed first. */
  deadline: number | null;
  lastError: string | null;
}

export interface SafetySnapshot {
  reconcile: { lastPass: ReconcilePass[]; drift: DriftNote[] };
  deadMansSwitch: { timeoutMs: number; symbols: CountdownView[]; lastTripAt: number | null; lastTrip: string | null };
  watchdog: { lastHeartbeatAt: number | null };
}

const KEEP = 50;

/**
 * What the safety pane shows that no store keeps: the last reconcile pass per symbol and the drift
 * it found or repaired (from the bus), and the dead man's switch as it was last armed (a decorator
 * around the countdown the watchdog refreshes). Times are the wall clock's.
 */
export class SafetyTracker {
  private readonly passes = new Map<string, ReconcilePass>();
  private readonly drift: DriftNote[] = [];
  private readonly countdowns = new Map<string, CountdownView>();
  private lastTrip: { at: number; detail: string } | null = null;
  private lastHeartbeatAt: number | null = null;
  private offs: Unsubscribe[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly dmsTimeoutMs: number,
  ) {}

  attach(bus: EventBus): () => void {
    this.offs = [
      bus.subscribe('reconcile.completed', 'dashboard-safety', (e) => {
        this.passes.set(e.symbol, { symbol: e.symbol, at: e.ts, checked: e.checked, mismatches: e.mismatches, repaired: e.repaired, durationMs: e.durationMs });
      }),
      bus.subscribe('reconcile.mismatch', 'dashboard-safety', (e) =>
        this.note({
          at: e.ts,
          symbol: e.symbol,
          scope: e.scope,
          subject: e.subject,
          kind: 'found',
          detail: `${e.detail} (ours ${e.expected}, venue ${e.actual})`,
        }),
      ),
      bus.subscribe('reconcile.repaired', 'dashboard-safety', (e) =>
        this.note({ at: e.ts, symbol: e.symbol, scope: e.scope, subject: e.subject, kind: 'repaired', detail: e.action }),
      ),
      bus.subscribe('safety.dms_tripped', 'dashboard-safety', (e) => void (this.lastTrip = { at: e.ts, detail: e.detail })),
      bus.subscribe('watchdog.heartbeat', 'dashboard-safety', (e) => void (this.lastHeartbeatAt = e.ts)),
    ];
    return () => this.offs.forEach((off) => off());
  }

  /** Wraps the countdown switch so every arm, refresh and disarm is seen here. */
  countdown(inner: CountdownSwitch): CountdownSwitch {
    const seen = (symbol: string, armed: boolean, r: CountdownResult): CountdownResult => {
      const now = this.clock.now();
      const prev = this.countdowns.get(symbol);
      this.countdowns.set(symbol, {
        symbol,
        armed: r.ok ? armed : (prev?.armed ?? false),
        lastRefreshAt: r.ok && armed ? now : (prev?.lastRefreshAt ?? null),
        deadline: r.ok ? (armed ? now + this.dmsTimeoutMs : null) : (prev?.deadline ?? null),
        lastError: r.ok ? null : `${r.error.code}: ${r.error.message}`,
      });
      return r;
    };
    return {
      arm: async (symbol, timeoutMs) => seen(symbol, true, await inner.arm(symbol, timeoutMs)),
      disarm: async (symbol) => seen(symbol, false, await inner.disarm(symbol)),
    };
  }

  snapshot(): SafetySnapshot {
    return {
      reconcile: { lastPass: [...this.passes.values()], drift: [...this.drift].reverse() },
      deadMansSwitch: {
        timeoutMs: this.dmsTimeoutMs,
        symbols: [...this.countdowns.values()],
        lastTripAt: this.lastTrip?.at ?? null,
        lastTrip: this.lastTrip?.detail ?? null,
      },
      watchdog: { lastHeartbeatAt: this.lastHeartbeatAt },
    };
  }

  private note(n: DriftNote): void {
    this.drift.push(n);
    if (this.drift.length > KEEP) this.drift.shift();
  }
}
