import type { TradingState } from '@cab/domain';

/*
 * Who may trade right now: `halted` and `reducing` stop entries; protective exits always run. The
 * trading core holds the halts (CoreHalts) and persists them (SafetyStateStore). Resume rules:
 *  - RECONCILE.MISMATCH is cleared by the next clean reconcile report;
 *  - DMS.STALL is cleared by the watchdog once every timer is live again and the countdown refreshed;
 *  - BROKER.AUTH / BROKER.CLOCK (a signed read refused: credentials / request time) are cleared
 *    by the next reconcile whose signed read succeeds, or by the operator;
 *  - RISK.* halts are cleared by the evaluation when the rule passes again (next UTC day, pause over);
 *  - LOCK.LOST is cleared only by a restart that takes the lock again (compose): a resume in the
 *    process that lost it would trade unlocked beside the instance that took it over;
 *  - OPERATOR, OPERATOR.ENTRIES, BROKER.FATAL and STRATEGY.ERROR need the operator: `resume()`
 *    (TradingControl.resume clears only these and BROKER.AUTH/CLOCK: core-operator.ts).
 */

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
