import type { Result } from '@cab/domain';
import type { OrchestratorStatus } from '../core/runtime-status';

/**
 * Who asked for a control action: every action is audited with it (kind `system`, data.actor).
 * `via` is the surface (the dashboard, Telegram, the HTTP API, the CLI); `who` names the person or
 * session as far as that surface knows it (a Telegram user id, "dashboard session 3f…"), never a
 * token or a secret.
 */
export interface ControlActor {
  readonly via: 'dashboard' | 'telegram' | 'http' | 'cli';
  readonly who: string;
}

/** Why a control action was not done: a code a program can test and a sentence a person can read. */
export interface ControlError {
  /** e.g. CONTROL.UNKNOWN_SYMBOL, CONTROL.NO_POSITION, CONTROL.UNKNOWN_ORDER, CONTROL.NOT_RUNNING, CONTROL.FAILED */
  readonly code: string;
  readonly message: string;
}

/** What a force exit did: the sell that was placed (or found in flight), by client order id. */
export interface ForceExitOutcome {
  readonly symbol: string;
  readonly clientOrderId: string;
  /** The order's status after the venue's answer: filled, partial, submitted, in_flight… */
  readonly status: string;
  readonly qty: string;
}

export interface CancelOutcome {
  readonly clientOrderId: string;
  readonly status: string;
}

/**
 * The one control API every surface uses — HTTP/dashboard and Telegram alike — so what a trader can
 * do, and what is audited when they do it, is the same everywhere (docs: the trader's window).
 *
 * - start / stop: the orchestrator (stop finishes the steps in flight).
 * - stopEntries: no new entries; strategy sells and protective exits keep working, until resume.
 * - resume: clears the operator's halts (OPERATOR, stop entries); other halts keep their own rules.
 * - forceExit: sells the whole position of `symbol` now, through the one order path (idempotent
 *   within its bucket; refused while another sell of ours is unsettled).
 * - cancelOrder: cancels one of our open orders at the venue and settles it.
 */
export interface TradingControl {
  status(): OrchestratorStatus;
  start(actor: ControlActor): Promise<Result<void, ControlError>>;
  stop(actor: ControlActor): Promise<Result<void, ControlError>>;
  stopEntries(actor: ControlActor, reason?: string): Promise<Result<void, ControlError>>;
  resume(actor: ControlActor): Promise<Result<void, ControlError>>;
  forceExit(actor: ControlActor, symbol: string): Promise<Result<ForceExitOutcome, ControlError>>;
  cancelOrder(actor: ControlActor, clientOrderId: string): Promise<Result<CancelOutcome, ControlError>>;
}
