import { DIVISION_DP, ZERO, dec, divide, isPositive, type Decimal } from '../money/decimal';
import type { BookLevel, OrderBook, Side } from './types';

export interface BookFill {
  /** Base amount the book can fill (up to the requested size). */
  readonly base: Decimal;
  /** Quote amount paid (buy) or received (sell) for it, before fees. */
  readonly quote: Decimal;
  /** quote / base; null when nothing fills. */
  readonly avgPrice: Decimal | null;
  /** Best price on the side taken; null for an empty side. */
  readonly bestPrice: Decimal | null;
  /** Price of the last level touched. */
  readonly worstPrice: Decimal | null;
  /** False when the visible book is too thin for the whole size. */
  readonly complete: boolean;
}

/** How much of an order's size: base for sells and buys by amount, quote for market buys by cost. */
export type OrderSize = { readonly base: Decimal } | { readonly quote: Decimal };

/**
 * Walks the visible book as a market order of `size` would: a buy takes the asks, a sell the bids,
 * best level first. Used to estimate slippage before sending and to fill paper orders.
 */
export function walkBook(book: OrderBook, side: Side, size: OrderSize): BookFill {
  const levels: readonly BookLevel[] = side === 'buy' ? book.asks : book.bids;
  const byQuote = 'quote' in size;
  let left = byQuote ? size.quote : size.base;
  let base = ZERO;
  let quote = ZERO;
  let worst: Decimal | null = null;
  let touched = 0;
  // By index, stopping as soon as the size is filled: a lazily built book (the paper broker's)
  // then computes only the levels the order reaches.
  for (let i = 0; left.gt(ZERO); i++) {
    const level = levels[i];
    if (!level) break;
    if (level.amount.lte(ZERO) || level.price.lte(ZERO)) continue;
    const levelQuote = level.amount.times(level.price);
    // The level that finishes the order takes exactly what is left: dividing a quote rest by the
    // price rounds at 40 places and must not leave a phantom remainder.
    const finishes = byQuote ? levelQuote.gte(left) : level.amount.gte(left);
    if (finishes && byQuote && touched === 0) return oneLevelByQuote(left, level.price, levels[0]?.price ?? null);
    const takeBase = finishes ? (byQuote ? divide(left, level.price) : left) : level.amount;
    base = base.plus(takeBase);
    quote = quote.plus(finishes && byQuote ? left : takeBase.times(level.price));
    left = finishes ? ZERO : left.minus(byQuote ? levelQuote : takeBase);
    worst = level.price;
    touched++;
  }
  return {
    base,
    quote,
    // One level: its price, exactly (quote ÷ base would only round it back, slowly).
    avgPrice: base.gt(ZERO) ? (touched === 1 && worst ? worst : divide(quote, base)) : null,
    bestPrice: levels[0]?.price ?? null,
    worstPrice: worst,
    complete: left.lte(ZERO),
  };
}

/**
 * Relative cost of walking the book versus its best price: (avg − best) / best for a buy,
 * (best − avg) / best for a sell. Null when nothing fills.
 */
export function slippagePct(fill: BookFill, side: Side): Decimal | null {
  if (fill.avgPrice === null || fill.bestPrice === null) return null;
  // One level filled it (most entries): the average is the best price itself, a positive level's
  // price (walkBook skips the others), so the difference is +0 and so is its quotient — ZERO.
  if (fill.avgPrice === fill.bestPrice && isPositive(fill.bestPrice)) return ZERO;
  const diff = side === 'buy' ? fill.avgPrice.minus(fill.bestPrice) : fill.bestPrice.minus(fill.avgPrice);
  return divide(diff, fill.bestPrice);
}

/** 2 × 10^DIVISION_DP: a quotient a ÷ b (a, b > 0) rounds to 0 exactly when 2·a·10^DP ≤ b (half-even: a half rounds to 0). */
const TWICE_DIVISION_SCALE = dec(`2e${DIVISION_DP}`);

/**
 * A buy by quote that the first level it touches finishes (most entries: FIXED_AMOUNT is far below
 * a level): it pays `rest` at `price`, so the average price is `price` — no division is needed to
 * know it. Whether anything fills (base > 0) is decided exactly by cross-multiplication
 * (book-walk.spec.ts checks it against the division); the base itself, rest ÷ price, is computed
 * only if someone reads it (the fill does, the slippage rule's passing verdict does not), the same
 * value as computed eagerly: DIVISION_DP is fixed outside the synchronous calls that change it.
 */
function oneLevelByQuote(rest: Decimal, price: Decimal, bestPrice: Decimal | null): BookFill {
  let base: Decimal | null = null;
  return {
    get base(): Decimal {
      return (base ??= divide(rest, price));
    },
    quote: rest,
    avgPrice: quotientIsPositive(rest, price) ? price : null,
    bestPrice,
    worstPrice: price,
    complete: true,
  };
}

/** a ÷ b > 0 at DIVISION_DP places, for a, b > 0, without dividing. */
export function quotientIsPositive(a: Decimal, b: Decimal): boolean {
  // By exponents first (big.js's `e`: the power of ten of the first digit), the usual case: a ≥ 10^a.e
  // and b < 10^(b.e+1), so when a.e + DP ≥ b.e + 1, 2·a·10^DP ≥ 2·10^(b.e+1) > b. The product
  // (a coefficient as long as a's, then a comparison) only near the edge.
  if (a.e + DIVISION_DP >= b.e + 1) return true;
  return a.times(TWICE_DIVISION_SCALE).gt(b);
}
