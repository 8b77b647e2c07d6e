import type { Clock, TradingState } from '@cab/domain';
import type { AuditLog } from '../ports/audit-log';
import type { EventBus } from '../ports/event-bus';
import { errorText, type Logger } from '../ports/logger';
import type { Metrics } from '../ports/metrics';
import type { SafetyStateStore } from '../ports/safety-state-store';
import { PIPELINE_METRICS } from './metric-names';

/**
 * Stable codes of halt causes. Each cause is held separately: clearing one (a clean reconcile)
 * never clears another (an operator halt).
 */
export type HaltCode =
  | 'OPERATOR'
  /** The operator's "stop entries" (TradingControl.stopEntries): level reducing, exits and sells keep working. */
  | 'OPERATOR.ENTRIES'
  | 'RECONCILE.MISMATCH'
  | 'DMS.STALL'
  | 'BROKER.FATAL'
  | 'BROKER.AUTH'
  | 'BROKER.CLOCK'
  | 'LOCK.LOST'
  | 'RISK.DAILY_LOSS'
  | 'RISK.LOSS_STREAK'
  | 'RISK.MAX_DRAWDOWN'
  /** The strategy threw (docs/strategies.md): entries stop until the operator resumes. */
  | 'STRATEGY.ERROR'
  /**
   * A store write of the core failed and waits to be retried (EventDriver, docs/core.md "Drivers"):
   * held in memory only, never stored, cleared by the driver once the backlog is written.
   */
  | 'STORE.WRITE';

export interface Halt {
  code: HaltCode;
  /** halted: only protective exits; reducing: no entries, any sell. */
  level: Exclude<TradingState, 'active'>;
  reason: string;
  since: number;
}

/**
 * Who may trade right now. `halted` and `reducing` stop entries; protective exits always run.
 *
 * Resume rules (documented in the README):
 *  - RECONCILE.MISMATCH is cleared by the next clean reconcile pass;
 *  - DMS.STALL is cleared by the watchdog once every loop is live again and the countdown refreshed;
 *  - BROKER.AUTH / BROKER.CLOCK (a signed read refused: credentials / request time) are cleared
 *    by the next reconcile pass whose signed read succeeds, or by the operator;
 *  - RISK.* halts are cleared by the eval loop when the rule passes again (next UTC day, pause over);
 *  - LOCK.LOST is cleared only by a restart that takes the lock again (compose): a resume in the
 *    process that lost it would trade unlocked beside the instance that took it over;
 *  - OPERATOR, OPERATOR.ENTRIES, BROKER.FATAL and STRATEGY.ERROR need the operator: `resume()`
 *    (TradingControl.resume clears only these and BROKER.AUTH/CLOCK, see OPERATOR_CLEARED_HALTS).
 */
export class TradingStateController {
  private readonly halts = new Map<HaltCode, Halt>();

  constructor(
    /** `store`: where halts are kept across restarts (a crash must not clear an operator's halt). */
    private readonly deps: { bus: EventBus; audit: AuditLog; clock: Clock; logger: Logger; metrics: Metrics; store?: SafetyStateStore },
  ) {}

  /**
   * Takes back the halts in force when the process last stopped (or died), before anything
   * trades: each keeps its resume rule (a clean reconcile clears RECONCILE.MISMATCH, the operator
   * OPERATOR and BROKER.FATAL). Restored quietly: they were alerted when they were set.
   */
  async restore(): Promise<void> {
    if (!this.deps.store) return;
    for (const h of await this.deps.store.halts()) {
      if (this.halts.has(h.code as HaltCode)) continue;
      this.halts.set(h.code as HaltCode, { code: h.code as HaltCode, level: h.level, reason: h.reason, since: h.since });
      this.deps.logger.warn('halt restored from before the restart', { code: h.code, reason: h.reason, level: h.level, since: h.since });
    }
    this.gauge();
  }

  state(): TradingState {
    let s: TradingState = 'active';
    for (const h of this.halts.values()) {
      if (h.level === 'halted') return 'halted';
      s = 'reducing';
    }
    return s;
  }

  reasons(): string[] {
    return [...this.halts.values()].map((h) => `${h.code}: ${h.reason}`);
  }

  /** The halts in force, oldest first (status pages show code, level, reason and since). */
  list(): Halt[] {
    return [...this.halts.values()].map((h) => ({ ...h })).sort((a, b) => a.since - b.since);
  }

  has(code: HaltCode): boolean {
    return this.halts.has(code);
  }

  /** Adds a halt cause (a repeat of the same code only updates its text, without a new alert). */
  async halt(code: HaltCode, reason: string, level: Halt['level'] = 'halted', correlationId?: string): Promise<void> {
    const existing = this.halts.get(code);
    const next: Halt = { code, level, reason, since: existing?.since ?? this.deps.clock.now() };
    this.halts.set(code, next);
    this.gauge();
    // The risk rules repeat their halt on every entry verdict: only a change is written.
    if (!existing || existing.reason !== reason || existing.level !== level) await this.persist(() => this.deps.store?.saveHalt(next));
    if (existing) return;
    this.deps.metrics.counter(PIPELINE_METRICS.halts, { code });
    this.deps.logger.warn('trading halted', { code, reason, level });
    this.deps.bus.emit('safety.halted', { code, reason }, correlationId);
    await this.audit(`halt ${code}: ${reason}`, { code, reason, level, state: this.state() });
  }

  /** Removes one cause; returns whether it was set. */
  async clear(code: HaltCode, reason: string): Promise<boolean> {
    if (!this.halts.delete(code)) return false;
    this.gauge();
    await this.persist(() => this.deps.store?.removeHalt(code));
    this.deps.logger.info('halt cleared', { code, reason, state: this.state() });
    this.deps.bus.emit('safety.resumed', { reason: `${code} cleared: ${reason}` });
    await this.audit(`resume ${code}: ${reason}`, { code, reason, state: this.state() });
    return true;
  }

  /** Operator resume: clears every cause but LOCK.LOST (only a restart that holds the lock again clears it). */
  async resume(reason = 'operator resume'): Promise<void> {
    for (const code of [...this.halts.keys()]) if (code !== 'LOCK.LOST') await this.clear(code, reason);
  }

  /** The halt itself is in memory and published; a failing store is logged, never undoes it. */
  private async persist(write: () => Promise<void> | undefined): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.deps.logger.error('saving a halt failed: it may not survive a restart', { error: errorText(err) });
    }
  }

  private gauge(): void {
    const s = this.state();
    this.deps.metrics.gauge(PIPELINE_METRICS.tradingState, s === 'active' ? 0 : s === 'reducing' ? 1 : 2);
  }

  private async audit(summary: string, data: { [k: string]: string }): Promise<void> {
    try {
      await this.deps.audit.record({ ts: this.deps.clock.now(), kind: 'safety', symbol: null, correlationId: null, summary, data });
    } catch (err) {
      // The halt itself is in memory and published; a failing audit store must not undo it.
      this.deps.logger.error('audit of a halt failed', { error: errorText(err) });
    }
  }
}
