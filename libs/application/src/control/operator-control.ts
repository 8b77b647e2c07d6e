import { ZERO, err, idempotencyKey, isTerminal, ok, sellSize, str, type Result } from '@cab/domain';
import type { AuditValue } from '../ports/audit-log';
import { errorText } from '../ports/logger';
import type { OrchestratorControl, OrchestratorStatus } from '../orchestrator/types';
import type { PipelineDeps } from '../pipeline/deps';
import type { HaltCode, TradingStateController } from '../pipeline/trading-state';
import type { InstrumentCache } from '../use-cases/instruments';
import type { OrderSettler } from '../use-cases/order-settler';
import type { PlaceOrder } from '../use-cases/place-order';
import { FORCE_EXIT_REASON_PREFIX } from '../use-cases/trade-reason';
import type { CancelOutcome, ControlActor, ControlError, ForceExitOutcome, TradingControl } from './trading-control';

/**
 * The halts an operator's resume clears: the operator's own, and those whose rule gives them to the
 * operator (TradingStateController). RECONCILE.MISMATCH, DMS.STALL and RISK.* keep their own rules:
 * a person clicking "resume" must not trade through a drift the reconciler still sees.
 */
export const OPERATOR_CLEARED_HALTS: readonly HaltCode[] = ['OPERATOR', 'OPERATOR.ENTRIES', 'BROKER.FATAL', 'BROKER.AUTH', 'BROKER.CLOCK', 'STRATEGY.ERROR'];

export interface OperatorControlOptions {
  orchestrator: OrchestratorControl;
  trading: TradingStateController;
  placeOrder: PlaceOrder;
  instruments: InstrumentCache;
  settler: OrderSettler;
  /** IDEMPOTENCY_BUCKET_MS: a second force exit in the same bucket is the same order. */
  bucketMs: number;
}

type Outcome<T> = Result<T, ControlError>;
const fail = (code: string, message: string): Outcome<never> => err({ code, message });

/** A name for the actor in audit summaries and order reasons: the surface and who, never a token. */
export const actorName = (a: ControlActor): string => `${a.via} ${a.who}`;

/**
 * TradingControl over the running pipeline (docs/core.md: one order path): start/stop drive the
 * orchestrator, stopEntries is an operator halt at level `reducing`, forceExit is a market sell
 * through PlaceOrder (idempotency, one unsettled order per side, audit), cancelOrder cancels that one
 * order at the venue then settles the venue's answer through OrderSettler, as reconciliation would. Every action, done or refused,
 * is audited (kind `system`) with its actor.
 */
export class OperatorControl implements TradingControl {
  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: OperatorControlOptions,
  ) {}

  status(): OrchestratorStatus {
    return this.opts.orchestrator.status();
  }

  async start(actor: ControlActor): Promise<Outcome<void>> {
    return this.act(actor, 'start', null, async () => {
      try {
        await this.opts.orchestrator.start();
        return ok(undefined);
      } catch (e) {
        return fail('CONTROL.FAILED', `start failed: ${errorText(e)}`);
      }
    });
  }

  async stop(actor: ControlActor): Promise<Outcome<void>> {
    return this.act(actor, 'stop', null, async () => {
      try {
        await this.opts.orchestrator.stop();
        return ok(undefined);
      } catch (e) {
        return fail('CONTROL.FAILED', `stop failed: ${errorText(e)}`);
      }
    });
  }

  async stopEntries(actor: ControlActor, reason?: string): Promise<Outcome<void>> {
    const why = `entries stopped by ${actorName(actor)}${reason ? `: ${reason}` : ''}`;
    return this.act(actor, 'stop entries', null, async () => {
      await this.opts.trading.halt('OPERATOR.ENTRIES', why, 'reducing');
      return ok(undefined);
    });
  }

  async resume(actor: ControlActor): Promise<Outcome<void>> {
    return this.act(actor, 'resume', null, async () => {
      const cleared: string[] = [];
      for (const code of OPERATOR_CLEARED_HALTS) if (await this.opts.trading.clear(code, `resumed by ${actorName(actor)}`)) cleared.push(code);
      return { ...ok(undefined), detail: { cleared } };
    });
  }

  async forceExit(actor: ControlActor, symbol: string): Promise<Outcome<ForceExitOutcome>> {
    return this.act(actor, 'force exit', symbol, () => this.sellAll(actor, symbol));
  }

  async cancelOrder(actor: ControlActor, clientOrderId: string): Promise<Outcome<CancelOutcome>> {
    return this.act(actor, 'cancel', null, () => this.cancel(clientOrderId), { clientOrderId });
  }

  private async sellAll(actor: ControlActor, symbol: string): Promise<Outcome<ForceExitOutcome>> {
    const { stores, marketData, broker, clock, ids } = this.deps;
    if (!this.opts.orchestrator.status().symbols.includes(symbol)) return fail('CONTROL.UNKNOWN_SYMBOL', `${symbol} is not traded by this bot`);
    const pos = await stores.positions.get(symbol);
    // Base with no open round trip is dust from the last one (see ProtectiveExits): nothing to exit.
    if (!pos || !pos.baseQty.gt(ZERO) || pos.openedAt === null) return fail('CONTROL.NO_POSITION', `no open position in ${symbol}`);
    const inst = await this.opts.instruments.get(symbol);
    if (!inst.ok) return fail('CONTROL.FAILED', `${symbol}: ${inst.error.code}: ${inst.error.message}`);
    const ticker = await marketData.ticker(symbol);
    if (!ticker.ok) return fail('CONTROL.FAILED', `${symbol}: no price: ${ticker.error.code}: ${ticker.error.message}`);
    const balance = await broker.fetchBalance(symbol);
    // Sell min(position, free base): the buy fee came out of the base (docs/lessons.md #4).
    const size = sellSize(inst.value, pos.baseQty, balance.ok ? balance.value.freeBase : pos.baseQty, ticker.value.bid);
    if (size.deny) return fail('CONTROL.DUST', `${symbol}: ${str(pos.baseQty)} cannot be sold: ${size.deny.message}`);
    const now = clock.now();
    const r = await this.opts.placeOrder.execute({
      symbol,
      side: 'sell',
      baseAmount: size.qty,
      // Its own key space, as ProtectiveExits': a force exit is never refused because a strategy sell used the bucket's key.
      idempotencyKey: `${idempotencyKey(symbol, 'sell', now, this.opts.bucketMs)}:FORCE`,
      reason: `${FORCE_EXIT_REASON_PREFIX}: operator ${actorName(actor)}`,
      correlationId: ids.next(),
    });
    switch (r.kind) {
      case 'placed':
      case 'in_flight':
        return ok({ symbol, clientOrderId: r.order.clientOrderId, status: r.order.status, qty: str(size.qty) });
      case 'duplicate':
        return fail('CONTROL.BUSY', `not sent: ${r.reason}`);
      case 'failed':
        return fail('CONTROL.FAILED', `${r.error.code}: ${r.error.message}`);
    }
  }

  private async cancel(clientOrderId: string): Promise<Outcome<CancelOutcome>> {
    const { stores, broker, ids } = this.deps;
    const order = await stores.orders.byClientOrderId(clientOrderId);
    if (!order) return fail('CONTROL.UNKNOWN_ORDER', `no order ${clientOrderId}`);
    if (isTerminal(order.status)) return fail('CONTROL.NOT_OPEN', `${clientOrderId} is ${order.status} already`);
    const inst = await this.opts.instruments.get(order.symbol);
    if (!inst.ok) return fail('CONTROL.FAILED', `${order.symbol}: ${inst.error.code}: ${inst.error.message}`);
    // One order only (Broker.cancelOrder): the pair's other orders stay as they are. The answer is the
    // venue's word — canceled, or filled if the cancel came too late — and it is settled through the
    // path reconciliation takes, so the books say what the venue says.
    const ref = order.exchangeOrderId ? { id: order.exchangeOrderId } : { clientOrderId };
    const c = await broker.cancelOrder(order.symbol, ref);
    if (!c.ok)
      return fail(
        'CONTROL.FAILED',
        `cancel: ${c.error.code}: ${c.error.message}${c.error.kind === 'ambiguous' || c.error.kind === 'retryable' ? ' (reconcile will settle it)' : ''}`,
      );
    const settled = await this.opts.settler.settle(clientOrderId, c.value, inst.value, ids.next());
    return ok({ clientOrderId, status: settled?.order.status ?? c.value.status });
  }

  /** Runs one action and audits it with its actor and outcome; a throw is a CONTROL.FAILED, never a stack to the surface. */
  private async act<T>(
    actor: ControlActor,
    action: string,
    symbol: string | null,
    run: () => Promise<Outcome<T> & { detail?: { [k: string]: AuditValue } }>,
    extra: { [k: string]: AuditValue } = {},
  ): Promise<Outcome<T>> {
    let r: Outcome<T> & { detail?: { [k: string]: AuditValue } };
    try {
      r = await run();
    } catch (e) {
      this.deps.logger.error(`control ${action} failed`, { error: errorText(e) });
      r = fail('CONTROL.FAILED', `${action} failed: ${errorText(e)}`);
    }
    const who = actorName(actor);
    const summary = r.ok
      ? `operator ${who}: ${action}${symbol ? ` ${symbol}` : ''}`
      : `operator ${who}: ${action}${symbol ? ` ${symbol}` : ''} refused: ${r.error.code}`;
    const data: { [k: string]: AuditValue } = { action, actor: { via: actor.via, who: actor.who }, ok: r.ok, ...extra, ...(r.detail ?? {}) };
    if (r.ok && r.value !== undefined) data['outcome'] = { ...(r.value as { [k: string]: AuditValue }) };
    if (!r.ok) data['error'] = { code: r.error.code, message: r.error.message };
    try {
      await this.deps.stores.audit.record({ ts: this.deps.clock.now(), kind: 'system', symbol, correlationId: null, summary, data });
    } catch (e) {
      // The action happened; a failing audit store must not report it as not done.
      this.deps.logger.error('audit of a control action failed', { action, error: errorText(e) });
    }
    this.deps.logger.info(summary, { actor: who, ok: r.ok });
    if (r.ok) return ok(r.value);
    return r;
  }
}
