import { approx, idempotencyKey, isPositive, sellSize, str, type Decimal, type ExitState } from '@cab/domain';
import type { PositionRecord } from '../ports/positions-repository';
import type { CoreContext } from './core-context';
import { placeOrder } from './core-order-path';
import type { SymbolState } from './core-symbol-state';
import type { CandleQuote } from './venue-view';

/** Relative margin of the float pre-check: far above float error (~1e-16), far below a price tick. */
const MARGIN = 1e-9;

/**
 * Protective exits (docs/core.md): the exit policy on the
 * position's exit state at the bid (skipped when a float pre-check proves it cannot change the
 * outcome), the moved levels kept on the position, and a fired exit sold through the one order path.
 */
export function protectiveExit(ctx: CoreContext, s: SymbolState, quote: CandleQuote): void {
  const pos = s.position;
  if (pos.openedAt === null || !isPositive(pos.baseQty) || !isPositive(pos.avgEntry)) return;
  // A position without exit state yet (just opened) is always checked exactly.
  if (s.exitShadow && pos.peakPrice !== null && exitCannotMove(s, quote.bidApprox)) return;
  const price = quote.ticker().bid;
  const now = ctx.opts.clock.now();
  const policy = ctx.opts.exits;
  const state: ExitState =
    pos.peakPrice === null ? policy.open(pos.avgEntry) : { entryPrice: pos.avgEntry, peakPrice: pos.peakPrice, trailStop: pos.trailingStopPrice };
  const decision = policy.evaluate(state, price);
  const stop = policy.stopPrice(decision.state);
  const saved = saveExitState(ctx, s, decision.state, stop, now);
  if (decision.action === 'hold') {
    shadow(ctx, s, decision.state, stop);
    return;
  }
  // An exit fired: whatever becomes of its order, the next check is exact.
  s.exitShadow = false;
  exitWhole(ctx, s, saved, price, now, decision.reason, decision.message);
}

/** Sells the whole position (what the balance holds of it) through the one order path: a protective exit or the operator's. */
export function exitWhole(ctx: CoreContext, s: SymbolState, pos: PositionRecord, price: Decimal, now: number, reason: string, message: string): void {
  const inst = ctx.opts.venue.instrument(s.symbol);
  if (!inst) return;
  const balance = ctx.opts.venue.balance(s.symbol);
  const free = balance ? balance.freeBase : pos.baseQty;
  const size = sellSize(inst, pos.baseQty, free, price);
  if (size.deny) {
    if (s.dustReported !== pos.openedAt) {
      s.dustReported = pos.openedAt ?? 0;
      if (ctx.publishing) ctx.publish({ kind: 'dust', ts: now, symbol: s.symbol, reason, dustBase: str(pos.baseQty) });
    }
    return;
  }
  if (ctx.publishing) ctx.publish({ kind: 'exit', ts: now, symbol: s.symbol, reason, message, qty: str(size.qty) });
  placeOrder(ctx, s, inst, 'sell', size.qty, `${idempotencyKey(s.symbol, 'sell', now, ctx.opts.bucketMs)}:${reason}`, `exit ${reason}: ${message}`);
}

/** The float shadows of an exit state that held (levels only; no decision is taken from them). */
function shadow(ctx: CoreContext, s: SymbolState, e: ExitState, stop: Decimal | null): void {
  const tp = ctx.opts.exits.takeProfitPrice(e);
  // A level unchanged since the last shadow keeps its float (approx of a long average entry, or of
  // its product, writes and parses its text; until a new peak the peak is the average entry itself).
  if (e.peakPrice !== s.peakShadowOf) {
    s.fPeak = approx(e.peakPrice);
    s.peakShadowOf = e.peakPrice;
  }
  if (e.trailStop !== s.trailShadowOf) {
    s.fTrail = e.trailStop === null ? -Infinity : approx(e.trailStop);
    s.trailShadowOf = e.trailStop;
  }
  if (stop !== s.stopShadowOf) {
    s.fStop = stop === null ? -Infinity : approx(stop);
    s.stopShadowOf = stop;
  }
  if (tp !== s.takeProfitShadowOf) {
    s.fTakeProfit = tp === null ? Infinity : approx(tp);
    s.takeProfitShadowOf = tp;
  }
  s.exitShadow = true;
}

/** Keeps a moved peak or stop level on the position (persisted with it: a restart keeps the trailing stop); `stop`: the policy's hard stop for `e`. */
function saveExitState(ctx: CoreContext, s: SymbolState, e: ExitState, stop: Decimal | null, now: number): PositionRecord {
  const pos = s.position;
  // Mostly the very objects (ExitPolicy returns an unmoved state and an entry's stop as they were): identity first.
  if (
    pos.peakPrice !== null &&
    (pos.peakPrice === e.peakPrice || pos.peakPrice.eq(e.peakPrice)) &&
    eqOrNull(pos.trailingStopPrice, e.trailStop) &&
    eqOrNull(pos.stopPrice, stop)
  )
    return pos;
  s.position = {
    ...pos,
    peakPrice: e.peakPrice,
    trailingStopPrice: e.trailStop,
    trailingActive: e.trailStop !== null,
    stopPrice: stop,
    updatedAt: now,
    version: pos.version + 1,
  };
  if (ctx.persisting) ctx.emit({ kind: 'persist', position: s.position });
  return s.position;
}
/**
 * True when an exact exit check at this bid provably holds and leaves the exit state as it is, so
 * it can be skipped: the bid is under the peak (no new peak, so the trailing stop neither arms nor
 * moves: ExitPolicy.ratchet), above the trailing and the hard stop and under the take-profit, each
 * by more than MARGIN. The shadows are of the state the last exact check held on; the exact check
 * runs whenever this is not sure.
 */
function exitCannotMove(s: SymbolState, bid: number): boolean {
  return bid < s.fPeak * (1 - MARGIN) && bid > s.fTrail * (1 + MARGIN) && bid > s.fStop * (1 + MARGIN) && bid < s.fTakeProfit * (1 - MARGIN);
}

const eqOrNull = (a: Decimal | null, b: Decimal | null): boolean => a === b || (a === null ? b === null : b !== null && a.eq(b));
