import { ZERO, min, type Decimal } from '../money/decimal';
import { applyRoundTripFill, noDust, type DustTest } from './round-trip';
import { avgEntry, type Fill, type FillOutcome, type Position } from './position';

/**
 * A position as the pipeline's books keep it: what is held, its average entry, the running
 * realized PnL and fees, and the state of its protective exits (reset when a round trip ends or
 * begins). Stores may carry more fields (version, updatedAt); they pass through untouched.
 */
export interface BookedPosition {
  readonly symbol: string;
  /** Base held, net of base-currency fees. Zero when flat. */
  readonly baseQty: Decimal;
  readonly avgEntry: Decimal;
  /** Gross realized PnL in quote since the position was first booked. */
  readonly realizedPnl: Decimal;
  /** Fees paid, valued in quote. */
  readonly feesQuote: Decimal;
  readonly peakPrice: Decimal | null;
  readonly stopPrice: Decimal | null;
  readonly trailingStopPrice: Decimal | null;
  readonly trailingActive: boolean;
  /** When the current round trip began; null when flat or holding only dust. */
  readonly openedAt: number | null;
}

export function emptyBookedPosition(symbol: string): BookedPosition {
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
  };
}

/** The round-trip view of a booked position (this round trip's realized/fees are the risk ledger's business). */
export function roundTripView(p: BookedPosition): Position {
  return { symbol: p.symbol, base: p.baseQty, costQuote: p.baseQty.times(p.avgEntry), realizedQuote: ZERO, feesQuote: ZERO, openedTs: p.openedAt };
}

export interface PositionChange<P extends BookedPosition = BookedPosition> {
  readonly position: P;
  /** Null when the fill moved nothing (a sell with nothing left to sell). */
  readonly outcome: FillOutcome | null;
  /** Base of a sell beyond the position (a repaired or adopted position): ignored, for the caller to log. */
  readonly clampedBase: Decimal;
  /** What a sell left that cannot be sold (below the exchange minimum): kept on the position as dust. */
  readonly dust: Decimal;
}

/**
 * Applies one aggregate fill to a booked position. Gate takes a buy's fee in base: the position
 * holds filled − fee. A sell larger than the position is clamped to it rather than thrown: the
 * books follow the venue, and reconciliation compares the result with the balance. A sell that
 * leaves only dust ends the round trip (the round-trip rule); the dust stays, with no exit state.
 */
export function applyFillToPosition<P extends BookedPosition>(p: P, fill: Fill, isDust: DustTest = noDust): PositionChange<P> {
  let f = fill;
  let clampedBase = ZERO;
  if (f.side === 'sell') {
    const feeInBase = f.feeCurrency === 'base' ? f.fee : ZERO;
    const out = f.amount.plus(feeInBase);
    if (out.gt(p.baseQty)) {
      clampedBase = out.minus(p.baseQty);
      const amount = min(f.amount, p.baseQty.minus(feeInBase));
      if (amount.lte(ZERO)) return { position: p, outcome: null, clampedBase: out, dust: ZERO };
      f = { ...f, amount };
    }
  }
  const outcome = applyRoundTripFill(roundTripView(p), f, isDust);
  const after = outcome.position;
  const dust = outcome.dust;
  const flat = after.base.eq(ZERO) || dust.gt(ZERO);
  // A buy on a flat (or dust-only) position opens a new round trip: fresh exit state.
  const opened = f.side === 'buy' && (p.baseQty.eq(ZERO) || p.openedAt === null);
  const reset = flat || opened;
  return {
    position: {
      ...p,
      baseQty: after.base,
      avgEntry: avgEntry(after),
      realizedPnl: p.realizedPnl.plus(outcome.realizedQuote),
      feesQuote: p.feesQuote.plus(outcome.feeQuote),
      peakPrice: reset ? null : p.peakPrice,
      stopPrice: reset ? null : p.stopPrice,
      trailingStopPrice: reset ? null : p.trailingStopPrice,
      trailingActive: reset ? false : p.trailingActive,
      openedAt: flat ? null : opened ? f.ts : (p.openedAt ?? f.ts),
    },
    outcome,
    clampedBase,
    dust,
  };
}
