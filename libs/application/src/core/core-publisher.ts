import { ZERO, isTerminal, str, type Clock, type IdGenerator, type OrderStatus } from '@cab/domain';
import type { OrderStatusChanged, TradeFailed } from '../events/topics';
import type { AuditEntry } from '../ports/audit-log';
import type { EventBus } from '../ports/event-bus';
import { errorText, type Logger } from '../ports/logger';
import type { Metrics } from '../ports/metrics';
import type { OrderRecord } from '../ports/orders-repository';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import { violationsData } from '../use-cases/risk-audit';
import { tradeReasonOf } from '../use-cases/trade-reason';
import type { CoreOutput, OrderBefore } from './core-output';
import type { TradingFact } from './edge-fact';

/** What the publisher writes to and reads from; the audit log is the store's (SqliteStorage.audit). */
export interface CorePublisherDeps {
  audit: { recordAll(entries: readonly AuditEntry[]): Promise<void> };
  bus: EventBus;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** The position a fill left, for the position gauge (the core's, read synchronously). */
  positionBase?: (symbol: string) => string | null;
  /** Whether the symbol's round trip is open now (the core's): a sell's fill log says whether it closed it. */
  positionOpen?: (symbol: string) => boolean;
  /** The strategy's name, in the signal's audit summary. */
  strategy?: string;
  /**
   * Correlation ids: a signal and the risk verdict of the same evaluation step share one (the
   * dashboard's decisions pane pairs them by it).
   */
  ids?: IdGenerator;
}

/** How many placed orders keep their decision's correlation id (their outcome entries carry it). */
const REMEMBERED_ORDERS = 2048;

/**
 * The core's Publish facts carried out (docs/core.md, "Shape": one event vocabulary for audit, bus,
 * alerts and metrics). Each fact becomes, where the loop pipeline made one before, the same audit
 * entry kind, the same bus topic (alerts, the dashboard's SSE and Telegram subscribe to them:
 * order.* by ORDER_EVENT_TOPIC's mapping, trade.completed, trade.blocked, trade.failed,
 * reconcile.mismatch, safety.halted / safety.resumed) and the same metric names (PIPELINE_METRICS).
 * Audit writes go through one chain in the order the core made the facts; a failing audit store is
 * logged and never stops trading (the order itself is in the store already).
 */
export class CorePublisher {
  /** Each symbol's last evaluation step: its time and correlation id. */
  private readonly step = new Map<string, { ts: number; id: string | null }>();
  /** Each symbol's last risk verdict: an order placed by it belongs to its step. */
  private readonly verdict = new Map<string, { ts: number; side: string; ok: boolean; id: string | null }>();
  /** The correlation id of each order placed by a decision (bounded): its placing and outcome entries carry it. */
  private readonly decisionOf = new Map<string, string>();
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly deps: CorePublisherDeps) {}

  /** Resolves once every audit entry handed so far is written (or failed). */
  flushed(): Promise<void> {
    return this.writes;
  }

  publish(fact: TradingFact): void {
    const { bus, metrics } = this.deps;
    switch (fact.kind) {
      case 'signal': {
        metrics.counter(PIPELINE_METRICS.signals, { symbol: fact.symbol, action: fact.action });
        const name = this.deps.strategy ?? 'strategy';
        // The core publishes a step's verdict right after its signal, same symbol and time (core-evaluate.ts).
        const id = this.deps.ids ? this.deps.ids.next() : null;
        this.step.set(fact.symbol, { ts: fact.ts, id });
        const data = { action: fact.action, strategy: name, reasons: [...fact.reasons] };
        return this.audit(fact.ts, 'signal', fact.symbol, `${name}: ${fact.action}`, data, id);
      }
      case 'risk':
        this.verdict.set(fact.symbol, { ts: fact.ts, side: fact.side, ok: fact.ok, id: this.stepOf(fact.symbol, fact.ts) });
        if (!fact.ok) for (const code of fact.codes) metrics.counter(PIPELINE_METRICS.riskBlocked, { symbol: fact.symbol, code });
        return this.audit(
          fact.ts,
          'risk',
          fact.symbol,
          fact.ok ? `${fact.side} allowed` : `${fact.side} blocked: ${fact.codes.join(', ')}`,
          {
            ok: fact.ok,
            side: fact.side,
            // "CODE: message" per refused rule, as RiskDecision.reasons has them.
            reasons: (fact.violations ?? []).map((v) => `${v.code}: ${v.message}`),
            codes: [...fact.codes],
            violations: violationsData(fact.violations ?? []),
            limits: { ...(fact.limits ?? {}) },
          },
          this.stepOf(fact.symbol, fact.ts),
        );
      case 'blocked':
        bus.emit('trade.blocked', { symbol: fact.symbol, side: fact.side, reasons: [...fact.reasons], limits: { ...(fact.limits ?? {}) } });
        return;
      case 'order':
        return this.order(fact.ts, fact.order, fact.before, fact.error);
      case 'refused':
        metrics.counter(PIPELINE_METRICS.orders, { symbol: fact.symbol, side: fact.side, outcome: 'duplicate' });
        return this.audit(fact.ts, 'order', fact.symbol, `${fact.side} not sent: ${fact.reason}`, { side: fact.side, refused: fact.reason });
      case 'exit':
        metrics.counter(PIPELINE_METRICS.exits, { symbol: fact.symbol, reason: fact.reason });
        return this.audit(fact.ts, 'exit', fact.symbol, `${fact.reason}: ${fact.message}`, { reason: fact.reason, qty: fact.qty });
      case 'dust':
        return this.audit(fact.ts, 'order', fact.symbol, `${fact.dustBase} left as dust (below the exchange minimum)`, {
          dustBase: fact.dustBase,
          reason: fact.reason,
        });
      case 'halt':
        if (fact.again) return;
        metrics.counter(PIPELINE_METRICS.halts, { code: fact.code });
        bus.emit('safety.halted', { code: fact.code, reason: fact.reason });
        return this.audit(fact.ts, 'safety', null, `halt ${fact.code}: ${fact.reason}`, { code: fact.code, reason: fact.reason, level: fact.level });
      case 'resume':
        bus.emit('safety.resumed', { reason: `${fact.code} cleared` });
        return this.audit(fact.ts, 'safety', null, `resume ${fact.code}`, { code: fact.code });
      case 'mismatch': {
        // Scope position: the subject is the base currency; order: an order found only on the venue (adopted); balance: `USDT used`….
        const scope = fact.scope;
        metrics.counter(PIPELINE_METRICS.reconcileMismatches, { symbol: fact.symbol, scope });
        bus.emit('reconcile.mismatch', {
          symbol: fact.symbol,
          scope,
          subject: fact.subject,
          expected: fact.expected,
          actual: fact.actual,
          detail: fact.detail,
        });
        return this.audit(fact.ts, 'reconcile', fact.symbol, `mismatch ${fact.subject}: ${fact.detail}`, {
          scope,
          subject: fact.subject,
          expected: fact.expected,
          actual: fact.actual,
          halting: fact.halting,
        });
      }
      case 'repaired':
        return this.repair(fact.ts, fact.symbol, fact.scope, fact.subject, fact.action);
      case 'unknown-report':
        this.deps.logger.warn('a report about an order the core does not know', { clientOrderId: fact.clientOrderId });
        return;
      case 'operator':
        // The action's outcome is audited once, as a 'control' fact with its actor; the core's own fact is logged only.
        this.deps.logger.info('operator event handled', { action: fact.action, actor: fact.actor, ...(fact.symbol ? { symbol: fact.symbol } : {}) });
        return;
      default:
        return this.edge(fact);
    }
  }

  /** The edge's facts (EdgeFact): the watchdog's, a reconcile pass's end, an operator's action, the store's backlog. */
  private edge(fact: Exclude<TradingFact, { kind: CoreOutput['kind'] }>): void {
    const { bus, metrics, logger } = this.deps;
    switch (fact.kind) {
      case 'heartbeat': {
        const loops: Record<string, number> = {};
        for (const l of fact.loops) {
          loops[l.name] = l.lastAliveAt;
          metrics.gauge(PIPELINE_METRICS.loopLagSeconds, (fact.ts - l.lastAliveAt) / 1000, { loop: l.name });
        }
        bus.emit('watchdog.heartbeat', { loops }, fact.correlationId);
        return;
      }
      case 'stall':
        bus.emit(
          'watchdog.stall',
          { loop: fact.loop, lastRunAt: fact.lastRunAt, stalledForMs: fact.stalledForMs, thresholdMs: fact.thresholdMs },
          fact.correlationId,
        );
        return;
      case 'dms-tripped':
        metrics.counter(PIPELINE_METRICS.dmsTrips);
        logger.error("loops stalled: dead man's switch tripped", { stalled: [...fact.stalled], thresholdMs: fact.thresholdMs });
        bus.emit(
          'safety.dms_tripped',
          { symbol: null, detail: `loops stalled past ${fact.thresholdMs} ms: ${fact.stalled.join(', ')}; countdown not refreshed` },
          fact.correlationId,
        );
        return;
      case 'dms-refresh':
        metrics.counter(PIPELINE_METRICS.dmsRefresh, { outcome: fact.ok ? 'ok' : 'failed' });
        if (fact.error) logger.warn("dead man's switch refresh failed", { symbol: fact.symbol, code: fact.error.code, message: fact.error.message });
        return;
      case 'reconcile-completed':
        bus.emit('reconcile.completed', { symbol: fact.symbol, checked: 1, mismatches: fact.mismatches, repaired: fact.repaired, durationMs: fact.durationMs });
        return;
      case 'control':
        logger.info(fact.summary, { actor: `${fact.actor.via} ${fact.actor.who}`, ok: fact.ok });
        return this.audit(fact.ts, 'system', fact.symbol, fact.summary, fact.data);
      case 'store-backlog':
        metrics.gauge(PIPELINE_METRICS.storeWriteBacklog, fact.pending);
        return;
      default: {
        // A kind added to EdgeFact without a case here fails to compile; at run time it is said, never thrown into the step.
        const unhandled: never = fact;
        logger.error('a fact the publisher does not know', { kind: (unhandled as { kind: string }).kind });
      }
    }
  }

  /**
   * The core made a PlaceOrder (called as the command is carried out, in the same step as its
   * facts): an order the step's allowed verdict placed joins that decision, so the audit trail of
   * a correlation id reads signal, risk verdict, placing, outcome (docs/core.md, "Shape"). Exits
   * and operator sells have no verdict of their step and stay uncorrelated.
   */
  placing(order: OrderRecord): void {
    const v = this.verdict.get(order.symbol);
    if (!v || v.id === null || !v.ok || v.ts !== order.createdAt || v.side !== order.side) return;
    this.decisionOf.set(order.clientOrderId, v.id);
    if (this.decisionOf.size > REMEMBERED_ORDERS) this.decisionOf.delete(this.decisionOf.keys().next().value as string);
  }

  /** The write-ahead is committed and the send goes out (the "placing" audit entry). */
  sending(order: OrderRecord): void {
    const amount = order.side === 'buy' ? order.requestedQuote : order.requestedBase;
    const amountText = amount ? str(amount) : '?';
    this.audit(
      order.createdAt,
      'order',
      order.symbol,
      `placing ${order.side} ${amountText} ${order.side === 'buy' ? 'quote' : 'base'} as ${order.clientOrderId}: ${order.reason ?? ''}`,
      {
        clientOrderId: order.clientOrderId,
        idempotencyKey: order.idempotencyKey,
        side: order.side,
        amount: amountText,
        reason: order.reason,
      },
      this.decisionOf.get(order.clientOrderId) ?? null,
    );
  }

  /** An order a reconcile look moved (found filled, canceled or gone): reported as the reconcilers' repairs were. */
  repaired(ts: number, order: OrderRecord, before: OrderStatus): void {
    this.repair(ts, order.symbol, 'order', order.clientOrderId, `${before} → ${order.status}`);
  }

  /** A reconcile repair, published as every reconcile finding is (reconcile.repaired, the repairs metric, an audit entry). */
  private repair(ts: number, symbol: string, scope: 'order' | 'position', subject: string, action: string): void {
    this.deps.metrics.counter(PIPELINE_METRICS.reconcileRepairs, { symbol, scope });
    this.deps.bus.emit('reconcile.repaired', { symbol, scope, subject, action });
    this.audit(ts, 'reconcile', symbol, `repaired ${scope} ${subject}: ${action}`, { scope, subject, action });
  }

  private order(ts: number, order: OrderRecord, prev: OrderBefore, error: string | undefined): void {
    const { bus, metrics } = this.deps;
    const coid = order.clientOrderId;
    const before = prev.status;
    this.journal(order, prev);
    if (error !== undefined && order.status === before) {
      // A look that failed says nothing about the order; a send refused before the venue saw it does.
      if (order.status === 'new') this.failed(order, error);
      return;
    }
    if (order.status === before) return;
    // The catalogue's labels exactly (symbol, side, outcome: metric-catalogue.ts): another label drops the series.
    metrics.counter(PIPELINE_METRICS.orders, { symbol: order.symbol, side: order.side, outcome: order.status });
    const payload: Omit<OrderStatusChanged, 'eventId' | 'ts' | 'correlationId'> = {
      symbol: order.symbol,
      side: order.side,
      clientOrderId: coid,
      orderId: order.exchangeOrderId,
      status: order.status,
      filledBase: str(order.filledBase),
      filledQuote: str(order.filledQuote),
      ...(order.reason ? { reason: order.reason } : {}),
    };
    const topic = topicOf(order.status);
    if (topic) bus.emit(topic, payload);
    // A send refused or left in flight by an error is a failed trade for the alerts.
    if (error !== undefined && (order.status === 'rejected' || order.status === 'in_flight')) this.failed(order, error);
    if (isTerminal(order.status) && order.filledBase.gt('0')) {
      bus.emit('trade.completed', {
        symbol: order.symbol,
        side: order.side,
        reason: tradeReasonOf(order.reason),
        clientOrderId: coid,
        orderId: order.exchangeOrderId ?? '',
        filledBase: str(order.filledBase),
        filledQuote: str(order.filledQuote),
        averagePrice: order.averagePrice ? str(order.averagePrice) : null,
        fee: str(order.fee),
        feeCurrency: order.feeCurrency,
      });
      const base = this.deps.positionBase?.(order.symbol);
      if (base != null) metrics.gauge(PIPELINE_METRICS.positionBase, Number(base), { symbol: order.symbol });
    }
    this.audit(
      ts,
      'order',
      order.symbol,
      `${order.side} ${coid} ${before} → ${order.status} (filled ${str(order.filledBase)} base, ${str(order.filledQuote)} quote)`,
      {
        clientOrderId: coid,
        exchangeOrderId: order.exchangeOrderId,
        from: before,
        to: order.status,
        filledBase: str(order.filledBase),
        filledQuote: str(order.filledQuote),
        fee: str(order.fee),
        feeCurrency: order.feeCurrency,
        ...(error !== undefined ? { error } : {}),
      },
      this.decisionOf.get(coid) ?? null,
    );
  }

  private failed(order: OrderRecord, error: string): void {
    const kind = (error.split(' ')[0] ?? 'internal') as TradeFailed['kind'];
    const code = error.split(' ')[1]?.replace(/:$/, '') ?? 'UNKNOWN';
    this.deps.bus.emit('trade.failed', { symbol: order.symbol, side: order.side, clientOrderId: order.clientOrderId, kind, code, message: error });
  }

  /** The trade journal at INFO: each status change, each new fill. */
  private journal(order: OrderRecord, prev: OrderBefore): void {
    const { logger } = this.deps;
    const common = { symbol: order.symbol, side: order.side, clientOrderId: order.clientOrderId, reason: order.reason };
    const price = order.averagePrice ? str(order.averagePrice) : null;
    if (order.status !== prev.status)
      logger.info(`order ${order.status}`, {
        ...common,
        exchangeOrderId: order.exchangeOrderId,
        from: prev.status,
        amount: str(order.filledBase),
        quote: str(order.filledQuote),
        price,
        fee: str(order.fee),
        feeCurrency: order.feeCurrency,
      });
    const amount = order.filledBase.minus(prev.filledBase);
    if (!amount.gt(ZERO)) return;
    const closed = order.side === 'sell' && this.deps.positionOpen ? { roundTripClosed: !this.deps.positionOpen(order.symbol) } : {};
    logger.info('fill', { ...common, amount: str(amount), price, fee: str(order.fee.minus(prev.fee)), feeCurrency: order.feeCurrency, ...closed });
  }

  /** The correlation id of the symbol's step at `ts` (its signal's), or none. */
  private stepOf(symbol: string, ts: number): string | null {
    const step = this.step.get(symbol);
    return step && step.ts === ts ? step.id : null;
  }

  private audit(
    ts: number,
    kind: AuditEntry['kind'],
    symbol: string | null,
    summary: string,
    data: AuditEntry['data'],
    correlationId: string | null = null,
  ): void {
    const entry: AuditEntry = { ts, kind, symbol, correlationId, summary, data };
    this.writes = this.writes
      .then(() => this.deps.audit.recordAll([entry]))
      .catch((e: unknown) => this.deps.logger.error('audit write failed', { kind, summary, error: errorText(e) }));
  }
}

/** The bus topic of an order's new status (ORDER_EVENT_TOPIC's mapping, by where the order ended). */
function topicOf(status: OrderStatus): 'order.submitted' | 'order.filled' | 'order.canceled' | 'order.rejected' | 'order.in_flight' | null {
  switch (status) {
    case 'submitted':
    case 'partial':
      return 'order.submitted';
    case 'filled':
      return 'order.filled';
    case 'canceled':
      return 'order.canceled';
    case 'rejected':
      return 'order.rejected';
    case 'in_flight':
      return 'order.in_flight';
    default:
      return null;
  }
}
