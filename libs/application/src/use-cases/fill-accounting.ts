import {
  ZERO,
  applyRoundTripFill,
  avgEntry,
  dec,
  min,
  noDust,
  orderEventFromVenue,
  str,
  transition,
  type Decimal,
  type DustTest,
  type Fill,
  type FillOutcome,
  type Instrument,
  type OrderEvent,
  type OrderStatus,
  type Position,
  type VenueStatus,
} from '@cab/domain';
import type { OrderDTO } from '../ports/broker';
import type { FillRecord } from '../ports/fills-repository';
import type { OrderPatch, OrderRecord } from '../ports/orders-repository';
import type { PositionRecord } from '../ports/positions-repository';

/** What one look at the venue's order means for our books. Pure: computed, then written in one transaction. */
export interface Settlement {
  event: OrderEvent;
  /** The new status, or null when the transition is illegal (logged; nothing but fills moves). */
  status: OrderStatus | null;
  patch: OrderPatch;
  /**
   * What filled since our last record, as one aggregate fill: the position moves by order-level
   * totals (venue filled − recorded filled), so seeing the same order twice moves it once, whether
   * or not the venue returned individual trades (docs/lessons.md #11).
   */
  delta: Fill | null;
  fills: FillRecord[];
}

const venueStatus = (s: OrderDTO['status']): VenueStatus => s;

/**
 * The base left unfilled, for the filled-vs-canceled decision (docs/lessons.md #12). A market buy is by
 * cost: a quote remainder below the instrument's min notional could never be bought, so it is
 * dust and the order counts as filled.
 */
function remainingBase(local: OrderRecord, venue: OrderDTO, inst: Instrument): Decimal | null {
  if (local.side === 'sell') {
    const asked = venue.requestedBase ?? local.requestedBase;
    return asked ? asked.minus(venue.filledBase) : null;
  }
  const asked = venue.requestedQuote ?? local.requestedQuote;
  if (!asked) return null;
  const left = asked.minus(venue.filledQuote);
  if (left.lte(inst.minNotional) || left.lte(ZERO)) return ZERO;
  const price = venue.averagePrice && venue.averagePrice.gt(ZERO) ? venue.averagePrice : null;
  return price ? left.div(price) : left;
}

export function settleOrder(local: OrderRecord, venue: OrderDTO, inst: Instrument, now: number): Settlement {
  const event = orderEventFromVenue({ status: venueStatus(venue.status), filled: venue.filledBase, remaining: remainingBase(local, venue, inst) }, inst.amountStep);
  // Our row is written as `new` before sending; any answer from the venue means it arrived.
  const from: OrderStatus = local.status === 'new' && event !== 'rejected' && event !== 'unknown' ? 'submitted' : local.status;
  const t = transition(from, event);
  const status = t.ok ? t.status : null;
  // Filled amounts only ever grow: an older answer seen late never shrinks what we recorded.
  const grew = venue.filledBase.gt(local.filledBase);
  const patch: OrderPatch = {
    updatedAt: now,
    ...(local.exchangeOrderId === null && venue.id ? { exchangeOrderId: venue.id } : {}),
    ...(status !== null && status !== local.status ? { status } : {}),
    ...(grew
      ? {
          filledBase: venue.filledBase,
          filledQuote: venue.filledQuote,
          averagePrice: venue.averagePrice,
          fee: venue.fee,
          feeCurrency: venue.feeCurrency,
        }
      : {}),
  };
  let delta: Fill | null = null;
  if (grew) {
    const dBase = venue.filledBase.minus(local.filledBase);
    const dQuote = venue.filledQuote.minus(local.filledQuote);
    const dFeeRaw = venue.fee.minus(local.fee);
    const feeCurrency = venue.feeCurrency === inst.base ? 'base' : 'quote';
    // A fee in a third currency (GT points) does not move base or quote: count it as zero here.
    const countable = venue.feeCurrency === inst.base || venue.feeCurrency === inst.quote;
    const dFee = countable && dFeeRaw.gt(ZERO) ? dFeeRaw : ZERO;
    const price = dQuote.gt(ZERO) ? dQuote.div(dBase) : (venue.averagePrice ?? ZERO);
    // Stamped with the pipeline's clock, not the venue's: risk windows (UTC day, cooldown, streak pause)
    // run on the pipeline's time, which is virtual in a backtest.
    if (price.gt(ZERO)) delta = { side: local.side, amount: dBase, price, fee: dFee, feeCurrency, ts: now };
  }
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
  return { event, status, patch, delta, fills };
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

/** The domain's view of a stored position (round-trip realized/fees are the risk ledger's business). */
export function toDomainPosition(p: PositionRecord): Position {
  return { symbol: p.symbol, base: p.baseQty, costQuote: p.baseQty.times(p.avgEntry), realizedQuote: ZERO, feesQuote: ZERO, openedTs: p.openedAt };
}

export interface PositionChange {
  position: PositionRecord;
  outcome: FillOutcome | null;
  /** Base of a sell that exceeded the position (a repaired or adopted position): ignored, logged by the caller. */
  clampedBase: Decimal;
  /** What a sell left that cannot be sold (below the exchange minimum): kept on the position as dust. */
  dust: Decimal;
}

/**
 * Applies one aggregate fill to a stored position (Gate's buy fee in base: position = filled − fee,
 * docs/lessons.md #4). A sell larger than the position is clamped to it rather than thrown: the books follow
 * the venue, and reconciliation compares the result with the balance.
 */
export function applyToPosition(p: PositionRecord, fill: Fill, now: number, isDust: DustTest = noDust): PositionChange {
  let f = fill;
  let clampedBase = ZERO;
  if (f.side === 'sell') {
    const feeInBase = f.feeCurrency === 'base' ? f.fee : ZERO;
    const out = f.amount.plus(feeInBase);
    if (out.gt(p.baseQty)) {
      clampedBase = out.minus(p.baseQty);
      const amount = min(f.amount, p.baseQty.minus(feeInBase));
      if (amount.lte(ZERO)) return { position: { ...p, updatedAt: now }, outcome: null, clampedBase: out, dust: ZERO };
      f = { ...f, amount };
    }
  }
  // The domain's round-trip rule: a sell that leaves only dust ends the round trip; the dust stays,
  // explicitly, with no exit state.
  const outcome = applyRoundTripFill(toDomainPosition(p), f, isDust);
  const after = outcome.position;
  const dust = outcome.dust;
  const flat = after.base.eq(ZERO) || dust.gt(ZERO);
  // A buy on a flat (or dust-only) position opens a new round trip: fresh exit state.
  const opened = f.side === 'buy' && (p.baseQty.eq(ZERO) || p.openedAt === null);
  return {
    position: {
      ...p,
      baseQty: after.base,
      avgEntry: avgEntry(after),
      realizedPnl: p.realizedPnl.plus(outcome.realizedQuote),
      feesQuote: p.feesQuote.plus(outcome.feeQuote),
      peakPrice: flat || opened ? null : p.peakPrice,
      stopPrice: flat || opened ? null : p.stopPrice,
      trailingStopPrice: flat || opened ? null : p.trailingStopPrice,
      trailingActive: flat || opened ? false : p.trailingActive,
      openedAt: flat ? null : opened ? f.ts : (p.openedAt ?? f.ts),
      updatedAt: now,
    },
    outcome,
    clampedBase,
    dust,
  };
}

/** A decimal from an optional string: for audit data and events. */
export const maybeStr = (x: Decimal | null | undefined): string | null => (x ? str(x) : null);
export const decOrZero = (s: string | null | undefined): Decimal => (s ? dec(s) : ZERO);
