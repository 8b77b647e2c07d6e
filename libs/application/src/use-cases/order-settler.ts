import {
  applyFillToPosition,
  instrumentDust,
  isTerminal,
  str,
  type Decimal,
  type Fill,
  type FillOutcome,
  type Instrument,
  type OrderLifecycleEvent,
} from '@cab/domain';
import type { OrderStatusChanged } from '../events/topics';
import type { AuditEntry } from '../ports/audit-log';
import type { OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import type { PipelineDeps } from '../pipeline/deps';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import { emptyPosition, settleOrder } from './fill-accounting';
import { topicOfTransitions } from './order-event-topics';
import { tradeReasonOf } from './trade-reason';

/** Told about every fill that moved a position (the risk ledger listens: daily PnL, loss streak). */
export type FillListener = (symbol: string, fill: Fill, outcome: FillOutcome) => void;

/** A committed settlement, before it is announced (see OrderSettler.store). */
export interface StoredSettlement extends SettleResult {
  previous: OrderRecord;
  delta: Fill | null;
  /** The order's status transitions this look committed (empty when the row did not move). */
  events: readonly OrderLifecycleEvent[];
}

export interface SettleResult {
  order: OrderRecord;
  /** True when this look changed the order or moved the position. */
  changed: boolean;
  outcome: FillOutcome | null;
}

const maybe = (d: Decimal | null): string | null => (d === null ? null : str(d));

/**
 * Writes what the venue says about one of our orders: the order row (compare-and-set on its
 * status), its fills (deduplicated by trade id) and the position (moved by the order-level delta,
 * so once), all in one unit of work. Shared by place-order (the answer to our request) and
 * reconciliation (a later look), so the crash-recovery path is the normal path (docs/lessons.md #1).
 */
export class OrderSettler {
  private readonly listeners: FillListener[] = [];

  constructor(private readonly deps: PipelineDeps) {}

  onFill(listener: FillListener): void {
    this.listeners.push(listener);
  }

  /** `store` then `announce`: what reconciliation does with a later look at an order. */
  async settle(clientOrderId: string, venue: OrderDTO, inst: Instrument, correlationId: string): Promise<SettleResult | null> {
    const stored = await this.store(clientOrderId, venue, inst, correlationId);
    return stored ? this.announce(stored, correlationId) : null;
  }

  /**
   * The transaction alone: order, fills, position and audit, committed or rolled back together;
   * null (nothing written) when the order is not ours. `audit`: entries written first in it
   * (place-order's decision: signal, risk verdict, "placing") when the order is found, whether or
   * not it changes — so a caller that sees this throw or answer null knows they were not written.
   */
  async store(
    clientOrderId: string,
    venue: OrderDTO,
    inst: Instrument,
    correlationId: string,
    audit: readonly AuditEntry[] = [],
  ): Promise<StoredSettlement | null> {
    const { stores, clock, logger } = this.deps;
    const now = clock.now();
    return stores.unitOfWork.run(async (tx) => {
      // This transaction's entries, written together in one statement at its end.
      const entries: AuditEntry[] = [...audit];
      const local = await tx.orders.byClientOrderId(clientOrderId);
      // Unknown order: nothing is written, the caller keeps its entries (place-order records them on its own).
      if (!local) return null;
      const s = settleOrder(local, venue, inst, now);
      if (s.status === null) logger.warn('illegal order transition ignored', { clientOrderId, from: local.status, event: s.event });
      const updated = (await tx.orders.update(clientOrderId, s.patch, local.status)) ?? local;
      if (s.fills.length > 0) await tx.fills.insertMany(s.fills);
      let outcome: FillOutcome | null = null;
      if (s.delta) {
        const pos = (await tx.positions.get(local.symbol)) ?? emptyPosition(local.symbol, now);
        const change = applyFillToPosition(pos, s.delta, instrumentDust(inst));
        if (change.dust.gt('0')) {
          logger.info('position left dust', { symbol: local.symbol, clientOrderId, dustBase: str(change.dust) });
          entries.push({
            ts: now,
            kind: 'order',
            symbol: local.symbol,
            correlationId,
            summary: `${str(change.dust)} ${inst.base} left as dust (below the exchange minimum)`,
            data: { clientOrderId, dustBase: str(change.dust) },
          });
        }
        if (change.clampedBase.gt('0'))
          logger.warn('sell larger than the position: clamped', { symbol: local.symbol, clientOrderId, excessBase: str(change.clampedBase) });
        const saved = await tx.positions.save({ ...change.position, updatedAt: now }, pos.version);
        // A lost race means another writer moved the position inside our transaction's view: a bug.
        if (!saved.ok) throw new Error(`${saved.code}: ${saved.message}`);
        outcome = change.outcome;
        this.deps.metrics.gauge(PIPELINE_METRICS.positionBase, Number(str(change.position.baseQty)), { symbol: local.symbol });
      }
      const changed = updated.status !== local.status || s.delta !== null;
      if (changed) {
        entries.push({
          ts: now,
          kind: 'order',
          symbol: local.symbol,
          correlationId,
          summary: `${local.side} ${clientOrderId} ${local.status} → ${updated.status} (filled ${str(updated.filledBase)} base, ${str(updated.filledQuote)} quote)`,
          data: {
            clientOrderId,
            exchangeOrderId: updated.exchangeOrderId,
            from: local.status,
            to: updated.status,
            filledBase: str(updated.filledBase),
            filledQuote: str(updated.filledQuote),
            fee: str(updated.fee),
            feeCurrency: updated.feeCurrency,
          },
        });
      }
      await tx.audit.recordAll(entries);
      // The domain's transitions, unless the compare-and-set lost (another writer moved the row first).
      const events = updated.status !== local.status ? s.events : [];
      return { order: updated, changed, outcome, previous: local, delta: s.delta, events };
    });
  }

  /** After the commit: tells the fill listeners (the risk ledger) and publishes the order's events. */
  announce(result: StoredSettlement, correlationId: string): SettleResult {
    const { outcome, delta } = result;
    this.log(result, correlationId);
    if (outcome && delta) for (const l of this.listeners) l(result.order.symbol, delta, outcome);
    if (result.changed) this.publish(result, correlationId);
    return { order: result.order, changed: result.changed, outcome: result.outcome };
  }

  /**
   * Every order's change of status and every fill, at INFO, once committed: the journal a trader
   * reads (symbol, side, amount, price, fee and why the bot traded). A look that changed nothing logs nothing.
   */
  private log({ order, previous, delta, outcome }: StoredSettlement, correlationId: string): void {
    const { logger } = this.deps;
    const common = { symbol: order.symbol, side: order.side, clientOrderId: order.clientOrderId, reason: order.reason, correlationId };
    if (order.status !== previous.status)
      logger.info(`order ${order.status}`, {
        ...common,
        exchangeOrderId: order.exchangeOrderId,
        from: previous.status,
        requested: order.side === 'buy' ? maybe(order.requestedQuote) : maybe(order.requestedBase),
        amount: str(order.filledBase),
        quote: str(order.filledQuote),
        price: maybe(order.averagePrice),
        fee: str(order.fee),
        feeCurrency: order.feeCurrency,
      });
    if (delta)
      logger.info('fill', {
        ...common,
        amount: str(delta.amount),
        price: str(delta.price),
        fee: str(delta.fee),
        feeCurrency: order.feeCurrency,
        // A sell's gross realized PnL, and whether it closed the round trip (nothing, or only dust, left).
        ...(outcome && order.side === 'sell' ? { realizedPnl: str(outcome.realizedQuote), roundTripClosed: outcome.closed !== null } : {}),
      });
  }

  /** Publishes order.* for the order's transitions (see order-event-topics) and trade.completed when an order ends with a fill. */
  publish({ previous, order, events, outcome }: StoredSettlement, correlationId: string): void {
    const topic = topicOfTransitions(events);
    const payload: Omit<OrderStatusChanged, 'eventId' | 'ts' | 'correlationId'> = {
      symbol: order.symbol,
      side: order.side,
      clientOrderId: order.clientOrderId,
      orderId: order.exchangeOrderId,
      status: order.status,
      filledBase: str(order.filledBase),
      filledQuote: str(order.filledQuote),
      ...(order.reason ? { reason: order.reason } : {}),
    };
    if (topic) this.deps.bus.emit(topic, payload, correlationId);
    if (isTerminal(order.status) && order.filledBase.gt('0') && (order.status !== previous.status || outcome)) {
      this.deps.bus.emit(
        'trade.completed',
        {
          symbol: order.symbol,
          side: order.side,
          reason: tradeReasonOf(order.reason),
          clientOrderId: order.clientOrderId,
          orderId: order.exchangeOrderId ?? '',
          filledBase: str(order.filledBase),
          filledQuote: str(order.filledQuote),
          averagePrice: order.averagePrice ? str(order.averagePrice) : null,
          fee: str(order.fee),
          feeCurrency: order.feeCurrency,
          ...(outcome && order.side === 'sell' ? { realizedPnl: str(outcome.realizedQuote) } : {}),
        },
        correlationId,
      );
    }
  }
}
