import type { CancelOutcome, ControlActor, ControlError, ForceExitOutcome, OrchestratorStatus, TradingControl } from '@cab/application';
import { LOOP_NAMES } from '@cab/application';
import type { Result } from '@cab/domain';

export type ControlAction = 'start' | 'stop' | 'stopEntries' | 'resume' | 'forceExit' | 'cancelOrder';

export interface ControlCall {
  action: ControlAction;
  actor: ControlActor;
  /** The symbol, the reason or the client order id the action was given. */
  arg?: string;
}

const idle = { intervalMs: 1000, runs: 0, errors: 0, lastRunAt: null, lastDurationMs: null, lastError: null, running: false };

/**
 * A TradingControl for specs: records every call with its actor, answers ok unless told otherwise
 * (`answers`), and keeps a status the spec sets. `status` may instead follow a real orchestrator.
 */
export class RecordingControl implements TradingControl {
  readonly calls: ControlCall[] = [];
  answers: Partial<Record<ControlAction, Result<unknown, ControlError>>> = {};
  current: OrchestratorStatus;

  constructor(
    symbols: string[] = ['BTC/USDT'],
    private readonly statusOf?: () => OrchestratorStatus,
  ) {
    this.current = {
      state: 'running',
      trading: 'active',
      haltReasons: [],
      symbols,
      mode: 'paper',
      startedAt: 0,
      loops: Object.fromEntries(LOOP_NAMES.map((n) => [n, { ...idle }])) as OrchestratorStatus['loops'],
    };
  }

  status(): OrchestratorStatus {
    return this.statusOf ? this.statusOf() : this.current;
  }

  private answer<T>(action: ControlAction, actor: ControlActor, ok: T, arg?: string): Promise<Result<T, ControlError>> {
    this.calls.push({ action, actor, ...(arg !== undefined ? { arg } : {}) });
    return Promise.resolve((this.answers[action] as Result<T, ControlError> | undefined) ?? { ok: true, value: ok });
  }

  start(actor: ControlActor) {
    return this.answer<void>('start', actor, undefined);
  }
  stop(actor: ControlActor) {
    return this.answer<void>('stop', actor, undefined);
  }
  stopEntries(actor: ControlActor, reason?: string) {
    return this.answer<void>('stopEntries', actor, undefined, reason);
  }
  resume(actor: ControlActor) {
    return this.answer<void>('resume', actor, undefined);
  }
  forceExit(actor: ControlActor, symbol: string) {
    return this.answer<ForceExitOutcome>('forceExit', actor, { symbol, clientOrderId: 't-fx-1', status: 'filled', qty: '0.000999' }, symbol);
  }
  cancelOrder(actor: ControlActor, clientOrderId: string) {
    return this.answer<CancelOutcome>('cancelOrder', actor, { clientOrderId, status: 'canceled' }, clientOrderId);
  }
}
