import {
  ZERO,
  applyFillToPosition,
  applyObservation,
  noDust,
  type Decimal,
  type DustTest,
  type Fill,
  type FillOutcome,
  type Instrument,
  type OrderEvent,
  type OrderLifecycleEvent,
  type OrderObservation,
  type OrderStatus,
} from '@cab/domain';
import type { OrderDTO } from '../ports/broker';
import type { FillRecord } from '../ports/fills-repository';
import type { OrderPatch, OrderRecord } from '../ports/orders-repository';
import type { PositionRecord } from '../ports/positions-repository';

/**
 * Maps between the stores' records and the domain, which owns the order's life
 * (`applyObservation`) and the books (`applyFillToPosition`): see libs/domain/README.md.
 */

/** What one look at the venue's order means for our books. Pure: computed, then written in one transaction. */
export interface Settlement {
  event: OrderEvent;
  /** The new status, or null when the transition is illegal (logged; nothing but fills moves). */
  status: OrderStatus | null;
  patch: OrderPatch;
  /** What filled since our last record, as one aggregate fill (the domain's fill delta). */
  delta: Fill | null;
  fills: FillRecord[];
  /** The order's status transitions, in order (the domain's lifecycle events). */
  events: readonly OrderLifecycleEvent[];
}

/** The venue's answer as a domain observation. */
export function observationOf(venue: OrderDTO): OrderObservation {
  return {
    kind: 'answer',
    id: venue.id,
    status: venue.status,
    requestedQuote: venue.requestedQuote,
    requestedBase: venue.requestedBase,
    filledBase: venue.filledBase,
    filledQuote: venue.filledQuote,
    averagePrice: venue.averagePrice,
    fee: venue.fee,
    feeCurrency: venue.feeCurrency,
  };
}

export function settleOrder(local: OrderRecord, venue: OrderDTO, inst: Instrument, now: number): Settlement {
  const r = applyObservation(local, observationOf(venue), inst, now);
  const next = r.order;
  const grew = next.filledBase.gt(local.filledBase);
  const patch: OrderPatch = {
    updatedAt: now,
    ...(next.exchangeOrderId !== local.exchangeOrderId ? { exchangeOrderId: next.exchangeOrderId } : {}),
    ...(next.status !== local.status ? { status: next.status } : {}),
    ...(grew
      ? { filledBase: next.filledBase, filledQuote: next.filledQuote, averagePrice: next.averagePrice, fee: next.fee, feeCurrency: next.feeCurrency }
      : {}),
  };
  const fills: FillRecord[] = venue.fills.map((f) => ({
    exchange: local.exchange,
    tradeId: f.id,
    clientOrderId: local.clientOrderId,
    exchangeOrderId: venue.id,
    symbol: local.symbol,
    side: f.side,
    price: f.price,
    amount: f.amount,
    cost: f.cost,
    fee: f.fee,
    feeCurrency: f.feeCurrency,
    ts: f.ts,
  }));
  return { event: r.event, status: r.illegal ? null : next.status, patch, delta: r.delta, fills, events: r.events };
}

export function emptyPosition(symbol: string, now: number): PositionRecord {
  return {
    symbol,
    baseQty: ZERO,
    avgEntry: ZERO,
    realizedPnl: ZERO,
    feesQuote: ZERO,
    peakPrice: null,
    stopPrice: null,
    trailingStopPrice: null,
    trailingActive: false,
    openedAt: null,
    updatedAt: now,
    version: 0,
  };
}

export interface PositionChange {
  position: PositionRecord;
  outcome: FillOutcome | null;
  /** Base of a sell that exceeded the position (a repaired or adopted position): ignored, logged by the caller. */
  clampedBase: Decimal;
  /** What a sell left that cannot be sold (below the exchange minimum): kept on the position as dust. */
  dust: Decimal;
}

/** The domain's `applyFillToPosition` on a stored position, stamped with the caller's clock. */
export function applyToPosition(p: PositionRecord, fill: Fill, now: number, isDust: DustTest = noDust): PositionChange {
  const c = applyFillToPosition(p, fill, isDust);
  return { position: { ...c.position, updatedAt: now }, outcome: c.outcome, clampedBase: c.clampedBase, dust: c.dust };
}
