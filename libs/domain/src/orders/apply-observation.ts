import { ZERO, divide, type Decimal } from '../money/decimal';
import type { Instrument } from '../market/instrument';
import type { Fill } from '../pnl/position';
import { LIFECYCLE_EVENT_OF, type Order, type OrderLifecycleEvent, type OrderObservation, type VenueAnswer } from './order';
import { transitionPath, type IllegalTransition, type OrderEvent } from './transitions';
import { orderEventFromVenue } from './venue-event';

export interface ObservationResult {
  /** The order after the look: status moved through the table, filled amounts grown (never shrunk). */
  readonly order: Order;
  /** The table event the observation meant. */
  readonly event: OrderEvent;
  /** Set when the status could not move (the order keeps its status; fills still count). */
  readonly illegal: IllegalTransition | null;
  /**
   * What filled since the order's last state, as one aggregate fill: the position moves by
   * order-level totals (observed − recorded), so seeing the same answer twice moves it once,
   * whether or not the venue returned individual trades. Null when nothing grew.
   */
  readonly delta: Fill | null;
  /** The status transitions, in order (a `new` order found filled: accepted, then filled). */
  readonly events: readonly OrderLifecycleEvent[];
}

/**
 * The base left unfilled, for the filled-vs-canceled decision. A market buy is by cost: a quote
 * remainder at or below the instrument's min notional could never be bought, so it is dust and
 * the order counts as filled.
 */
function remainingBase(order: Order, a: VenueAnswer, inst: Instrument): Decimal | null {
  if (order.side === 'sell') {
    const asked = a.requestedBase ?? order.requestedBase;
    return asked ? asked.minus(a.filledBase) : null;
  }
  const asked = a.requestedQuote ?? order.requestedQuote;
  if (!asked) return null;
  const left = asked.minus(a.filledQuote);
  if (left.lte(inst.minNotional) || left.lte(ZERO)) return ZERO;
  const price = a.averagePrice && a.averagePrice.gt(ZERO) ? a.averagePrice : null;
  return price ? divide(left, price) : left;
}

/** The event an observation means: filled amounts decide, not the venue's status string (Gate reports a filled IOC market buy as "cancelled"). */
export function observedEvent(order: Order, o: OrderObservation, inst: Instrument): OrderEvent {
  if (o.kind === 'no_answer') return 'unknown';
  // The remainder decides only for a canceled or expired order with a fill (orderEventFromVenue):
  // computed only then (a buy's is a division), null otherwise — the same event.
  const remainderCounts = (o.status === 'canceled' || o.status === 'expired') && o.filledBase.gt(ZERO);
  return orderEventFromVenue({ status: o.status, filled: o.filledBase, remaining: remainderCounts ? remainingBase(order, o, inst) : null }, inst.amountStep);
}

/** The fill between what the order had recorded and what the venue now reports, or null. */
function fillDelta(order: Order, a: VenueAnswer, inst: Instrument, now: number): Fill | null {
  const dBase = a.filledBase.minus(order.filledBase);
  const dQuote = a.filledQuote.minus(order.filledQuote);
  const dFeeRaw = a.fee.minus(order.fee);
  const feeCurrency = a.feeCurrency === inst.base ? 'base' : 'quote';
  // A fee in a third currency (GT points) does not move base or quote: counted as zero here.
  const countable = a.feeCurrency === inst.base || a.feeCurrency === inst.quote;
  const dFee = countable && dFeeRaw.gt(ZERO) ? dFeeRaw : ZERO;
  const price = dQuote.gt(ZERO) ? divide(dQuote, dBase) : (a.averagePrice ?? ZERO);
  // Stamped with the caller's clock, not the venue's: risk windows (UTC day, cooldown, streak
  // pause) run on the pipeline's time, which is virtual in a backtest.
  return price.gt(ZERO) ? { side: order.side, amount: dBase, price, fee: dFee, feeCurrency, ts: now } : null;
}

/**
 * Applies one look at the venue to an order: the new order, the fill delta and the lifecycle
 * events. Pure. An illegal transition is a value (`illegal`): the status stays, and the fill
 * still counts, because the books follow what the venue traded.
 */
export function applyObservation(order: Order, o: OrderObservation, inst: Instrument, now: number): ObservationResult {
  const event = observedEvent(order, o, inst);
  const path = transitionPath(order.status, event);
  const status = path.ok ? path.status : order.status;
  const events: OrderLifecycleEvent[] = [];
  if (path.ok) {
    for (const s of path.steps) {
      if (s.to === s.from || s.to === 'new') continue;
      events.push({
        type: LIFECYCLE_EVENT_OF[s.to],
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        from: s.from,
        to: s.to,
        ts: now,
      });
    }
  }
  if (o.kind === 'no_answer') return { order: { ...order, status, updatedAt: now }, event, illegal: path.ok ? null : path, delta: null, events };
  // Filled amounts only ever grow: an older answer seen late never shrinks what was recorded.
  const grew = o.filledBase.gt(order.filledBase);
  const next: Order = {
    ...order,
    status,
    updatedAt: now,
    exchangeOrderId: order.exchangeOrderId === null && o.id ? o.id : order.exchangeOrderId,
    ...(grew ? { filledBase: o.filledBase, filledQuote: o.filledQuote, averagePrice: o.averagePrice, fee: o.fee, feeCurrency: o.feeCurrency } : {}),
  };
  return { order: next, event, illegal: path.ok ? null : path, delta: grew ? fillDelta(order, o, inst, now) : null, events };
}
