import { ZERO, err, isTerminal, ok, str, type Clock, type Result } from '@cab/domain';
import type { AuditValue } from '../ports/audit-log';
import { errorText, type Logger } from '../ports/logger';
import type { OrdersRepository } from '../ports/orders-repository';
import type { OrchestratorStatus } from '../core/runtime-status';
import type { CoreRuntime } from '../core/core-runtime';
import type { CancelOutcome, ControlActor, ControlError, ForceExitOutcome, TradingControl } from './trading-control';

export interface CoreControlDeps {
  runtime: CoreRuntime;
  /** Where an order the core no longer remembers is looked up (a cancel of an old one says "not open"). */
  orders: Pick<OrdersRepository, 'byClientOrderId'>;
  clock: Clock;
  logger: Logger;
}

type Outcome<T> = Result<T, ControlError>;
const fail = (code: string, message: string): Outcome<never> => err({ code, message });

/** A name for the actor in audit summaries and order reasons: the surface and who, never a token. */
const actorName = (a: ControlActor): string => `${a.via} ${a.who}`;

/**
 * TradingControl over the trading core (docs/core.md, "Events in": the operator's actions are
 * events): stop entries, resume, force exit and cancel are Operator events the core handles like
 * any other — the force exit's sell takes the one order path (write-ahead, one unsettled sell per
 * symbol), the cancel is a CancelOrder whose answer comes back as an OrderReport. Each action
 * waits until what it set off is carried out (the send answered, the rows written), then reads
 * the outcome from the core. Every action, done or refused, is a `control` fact (EdgeFact) with its
 * actor, which the runtime's publisher audits (kind `system`) and logs before the action answers.
 */
export class CoreControl implements TradingControl {
  constructor(private readonly deps: CoreControlDeps) {}

  status(): OrchestratorStatus {
    return this.deps.runtime.status();
  }

  start(actor: ControlActor): Promise<Outcome<void>> {
    return this.act(actor, 'start', null, async () => {
      try {
        await this.deps.runtime.start();
        return ok(undefined);
      } catch (e) {
        return fail('CONTROL.FAILED', `start failed: ${errorText(e)}`);
      }
    });
  }

  stop(actor: ControlActor): Promise<Outcome<void>> {
    return this.act(actor, 'stop', null, async () => {
      try {
        await this.deps.runtime.stop();
        return ok(undefined);
      } catch (e) {
        return fail('CONTROL.FAILED', `stop failed: ${errorText(e)}`);
      }
    });
  }

  stopEntries(actor: ControlActor, reason?: string): Promise<Outcome<void>> {
    return this.act(actor, 'stop entries', null, async () => {
      // Not started yet (AUTOSTART=false): the store into the core first; a recovery that fails answers the operator (CONTROL.FAILED), never drops the action.
      await this.deps.runtime.loaded();
      this.deps.runtime.enqueue({ kind: 'operator', action: 'stop-entries', actor: `${actorName(actor)}${reason ? `: ${reason}` : ''}` });
      await this.deps.runtime.idle();
      return ok(undefined);
    });
  }

  resume(actor: ControlActor): Promise<Outcome<void>> {
    return this.act(actor, 'resume', null, async () => {
      const { runtime } = this.deps;
      await runtime.loaded();
      const before = new Set(runtime.halts().map((h) => h.code));
      runtime.enqueue({ kind: 'operator', action: 'resume', actor: actorName(actor) });
      await runtime.idle();
      const after = new Set(runtime.halts().map((h) => h.code));
      return { ...ok(undefined), detail: { cleared: [...before].filter((c) => !after.has(c)) } };
    });
  }

  forceExit(actor: ControlActor, symbol: string): Promise<Outcome<ForceExitOutcome>> {
    return this.act(actor, 'force exit', symbol, async () => {
      const { runtime } = this.deps;
      const core = runtime.core;
      // Not started yet (AUTOSTART=false): the stored position is the one to exit.
      await runtime.loaded();
      if (!core.symbols.includes(symbol)) return fail('CONTROL.UNKNOWN_SYMBOL', `${symbol} is not traded by this bot`);
      const pos = core.position(symbol);
      // Base with no open round trip is dust from the last one: nothing to exit.
      if (pos.openedAt === null || !pos.baseQty.gt(ZERO)) return fail('CONTROL.NO_POSITION', `no open position in ${symbol}`);
      const before = new Set(core.unsettled(symbol).map((o) => o.clientOrderId));
      runtime.enqueue({ kind: 'operator', action: 'force-exit', symbol, actor: actorName(actor) });
      // The core decided synchronously: a new sell among its unsettled orders is the force exit's.
      const sell = core.unsettled(symbol).find((o) => o.side === 'sell' && !before.has(o.clientOrderId));
      if (!sell) {
        const busy = core.unsettled(symbol).some((o) => o.side === 'sell');
        return busy
          ? fail('CONTROL.BUSY', `not sent: a sell of ${symbol} is unsettled`)
          : fail('CONTROL.FAILED', `${symbol}: the core sent no sell (see the audit log)`);
      }
      await runtime.idle();
      const now = core.order(sell.clientOrderId) ?? sell;
      return ok({ symbol, clientOrderId: sell.clientOrderId, status: now.status, qty: sell.requestedBase ? str(sell.requestedBase) : '0' });
    });
  }

  cancelOrder(actor: ControlActor, clientOrderId: string): Promise<Outcome<CancelOutcome>> {
    return this.act(
      actor,
      'cancel',
      null,
      async () => {
        const { runtime, orders } = this.deps;
        await runtime.loaded();
        const held = runtime.core.order(clientOrderId);
        // One the core does not hold goes with its stored row (read here, before the event): the core takes it up to cancel it.
        const stored = held ? null : await orders.byClientOrderId(clientOrderId);
        const order = held ?? stored;
        if (!order) return fail('CONTROL.UNKNOWN_ORDER', `no order ${clientOrderId}`);
        if (isTerminal(order.status)) return fail('CONTROL.NOT_OPEN', `${clientOrderId} is ${order.status} already`);
        if (order.status !== 'submitted' && order.status !== 'partial')
          return fail('CONTROL.FAILED', `${clientOrderId} is ${order.status}: not on the venue yet (reconcile will settle it)`);
        runtime.enqueue({ kind: 'operator', action: 'cancel', clientOrderId, actor: actorName(actor), ...(stored ? { stored } : {}) });
        await runtime.idle();
        return ok({ clientOrderId, status: runtime.core.order(clientOrderId)?.status ?? order.status });
      },
      { clientOrderId },
    );
  }

  /** Runs one action and audits it with its actor and outcome; a throw is a CONTROL.FAILED, never a stack to the surface. */
  private async act<T>(
    actor: ControlActor,
    action: string,
    symbol: string | null,
    run: () => Promise<Outcome<T> & { detail?: { [k: string]: AuditValue } }>,
    extra: { [k: string]: AuditValue } = {},
  ): Promise<Outcome<T>> {
    const { logger, clock, runtime } = this.deps;
    let r: Outcome<T> & { detail?: { [k: string]: AuditValue } };
    try {
      r = await run();
    } catch (e) {
      logger.error(`control ${action} failed`, { error: errorText(e) });
      r = fail('CONTROL.FAILED', `${action} failed: ${errorText(e)}`);
    }
    const who = actorName(actor);
    const what = `${action}${symbol ? ` ${symbol}` : ''}`;
    const summary = r.ok ? `operator ${who}: ${what}` : `operator ${who}: ${what} refused: ${r.error.code}`;
    const data: { [k: string]: AuditValue } = { action, actor: { via: actor.via, who: actor.who }, ok: r.ok, ...extra, ...(r.detail ?? {}) };
    if (r.ok && r.value !== undefined) data['outcome'] = { ...(r.value as { [k: string]: AuditValue }) };
    if (!r.ok) data['error'] = { code: r.error.code, message: r.error.message };
    runtime.publisher.publish({ kind: 'control', ts: clock.now(), actor, action, symbol, ok: r.ok, summary, data });
    // Answered once the audit entry is written; a failing audit store is logged by the publisher and
    // never reports the action as not done.
    await runtime.publisher.flushed();
    if (r.ok) return ok(r.value);
    return r;
  }
}
