import { ZERO, divide, str, type Decimal } from '../money/decimal';
import type { Side } from '../market/types';

/** Which currency a fill's fee was taken in. Gate takes a buy's fee in base, a sell's in quote. */
export type FeeCurrency = 'base' | 'quote';

/** One execution as the venue reports it. `amount` is the gross base amount traded. */
export interface Fill {
  readonly side: Side;
  readonly amount: Decimal;
  readonly price: Decimal;
  readonly fee: Decimal;
  readonly feeCurrency: FeeCurrency;
  readonly ts: number;
}

/**
 * A long spot position, one round trip at a time (flat → long → flat).
 * - base: what we hold; after a buy whose fee came out of base, that is filled − fee (docs/lessons.md #4).
 * - costQuote: cost basis of `base` at fill prices, fees excluded.
 * - realizedQuote / feesQuote: gross realized PnL and all fees (valued in quote at the fill
 *   price) of this round trip so far. Net PnL = realized − fees; each fee is counted once.
 */
export interface Position {
  readonly symbol: string;
  readonly base: Decimal;
  readonly costQuote: Decimal;
  readonly realizedQuote: Decimal;
  readonly feesQuote: Decimal;
  /** When the round trip began (first buy), null while flat. */
  readonly openedTs: number | null;
}

/** A finished round trip: what the loss streak, the win rate and the profit factor count. */
export interface TradeResult {
  readonly symbol: string;
  readonly openedTs: number;
  readonly closedTs: number;
  /** Gross realized PnL in quote (before fees). */
  readonly realizedQuote: Decimal;
  readonly feesQuote: Decimal;
  /** realized − fees. */
  readonly pnlQuote: Decimal;
}

export interface FillOutcome {
  readonly position: Position;
  /** Gross realized PnL of this fill (0 for buys). */
  readonly realizedQuote: Decimal;
  /** This fill's fee in quote. */
  readonly feeQuote: Decimal;
  /** Set when this fill closed the round trip (base back to 0). */
  readonly closed: TradeResult | null;
}

export function flatPosition(symbol: string): Position {
  return { symbol, base: ZERO, costQuote: ZERO, realizedQuote: ZERO, feesQuote: ZERO, openedTs: null };
}

/** Average entry price (fees excluded); 0 while flat. */
export function avgEntry(p: Position): Decimal {
  return p.base.gt(ZERO) ? divide(p.costQuote, p.base) : ZERO;
}

/** Mark-to-market PnL of what is held, before fees still to pay on the exit. */
export function unrealizedPnl(p: Position, price: Decimal): Decimal {
  return p.base.times(price).minus(p.costQuote);
}

/**
 * Applies one fill. Selling more than the position is a bookkeeping bug (sell min(free base,
 * position), docs/lessons.md #4) and throws; so does a fill that is not positive.
 */
export function applyFill(p: Position, f: Fill): FillOutcome {
  if (f.amount.lte(ZERO) || f.price.lte(ZERO) || f.fee.lt(ZERO)) {
    throw new RangeError(`${p.symbol}: fill needs amount > 0, price > 0 and fee >= 0 (got ${str(f.amount)} @ ${str(f.price)}, fee ${str(f.fee)})`);
  }
  const feeInBase = f.feeCurrency === 'base' ? f.fee : ZERO;
  const feeQuote = f.feeCurrency === 'quote' ? f.fee : f.fee.times(f.price);

  if (f.side === 'buy') {
    const received = f.amount.minus(feeInBase);
    if (received.lte(ZERO)) throw new RangeError(`${p.symbol}: a base fee of ${str(f.fee)} leaves nothing of ${str(f.amount)}`);
    const position: Position = {
      ...p,
      base: p.base.plus(received),
      costQuote: p.costQuote.plus(received.times(f.price)),
      feesQuote: p.feesQuote.plus(feeQuote),
      openedTs: p.openedTs ?? f.ts,
    };
    return { position, realizedQuote: ZERO, feeQuote, closed: null };
  }

  const out = f.amount.plus(feeInBase);
  if (out.gt(p.base)) throw new RangeError(`${p.symbol}: selling ${str(out)} but the position holds ${str(p.base)}`);
  // Closing everything removes the whole cost, so a full round trip stays exact (no division).
  const costOut = out.eq(p.base) ? p.costQuote : divide(p.costQuote.times(out), p.base);
  const realized = out.times(f.price).minus(costOut);
  const after: Position = {
    ...p,
    base: p.base.minus(out),
    costQuote: p.costQuote.minus(costOut),
    realizedQuote: p.realizedQuote.plus(realized),
    feesQuote: p.feesQuote.plus(feeQuote),
  };
  if (!after.base.eq(ZERO)) return { position: after, realizedQuote: realized, feeQuote, closed: null };
  const closed: TradeResult = {
    symbol: p.symbol,
    openedTs: p.openedTs ?? f.ts,
    closedTs: f.ts,
    realizedQuote: after.realizedQuote,
    feesQuote: after.feesQuote,
    pnlQuote: after.realizedQuote.minus(after.feesQuote),
  };
  return { position: flatPosition(p.symbol), realizedQuote: realized, feeQuote, closed };
}
