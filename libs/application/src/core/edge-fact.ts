import type { AuditValue } from '../ports/audit-log';
import type { ControlActor } from '../control/trading-control';
import type { CoreOutput } from './core-output';

/**
 * What the edge around the core reports: the watchdog over the runtime's timers (which the core
 * does not know of), a reconcile pass's end, an operator's action and its outcome, the store writes
 * waiting. With the core's own facts (CoreOutput) they are the one vocabulary the CorePublisher
 * turns into audit entries, bus topics, alerts and metrics (docs/core.md, "Shape"). Only
 * measurements stay outside it: the timers' runs and durations (TimerLoop), an order's send-to-answer
 * time, and the event bus's and dead-letter monitor's own counters.
 */
export type EdgeFact =
  /** The watchdog's pass: since when each timer owes a run (the heartbeat topic and the lag gauges). */
  | { kind: 'heartbeat'; ts: number; loops: readonly { name: string; lastAliveAt: number }[]; correlationId: string }
  /** A timer that has owed a run for longer than the threshold (once per stall). */
  | { kind: 'stall'; ts: number; loop: string; lastRunAt: number; stalledForMs: number; thresholdMs: number; correlationId: string }
  /** The dead man's switch is not refreshed: the venue cancels our open orders when it runs out (once per new stall). */
  | { kind: 'dms-tripped'; ts: number; stalled: readonly string[]; thresholdMs: number; correlationId: string }
  /** One refresh of the venue's countdown. */
  | { kind: 'dms-refresh'; ts: number; symbol: string; ok: boolean; error?: { code: string; message: string } }
  /** A reconcile pass ended, per symbol: `repaired` counts the whole pass's repairs. */
  | { kind: 'reconcile-completed'; ts: number; symbol: string; mismatches: number; repaired: number; durationMs: number }
  /** An operator's action, done or refused, with who asked (the audit's `system` entry). */
  | {
      kind: 'control';
      ts: number;
      actor: ControlActor;
      action: string;
      symbol: string | null;
      ok: boolean;
      summary: string;
      data: { [k: string]: AuditValue };
    }
  /** How many store writes wait to be retried (0 once all are written; STORE.WRITE holds meanwhile). */
  | { kind: 'store-backlog'; ts: number; pending: number };

/** Every fact the publisher carries out. */
export type TradingFact = CoreOutput | EdgeFact;
