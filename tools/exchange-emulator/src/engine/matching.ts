import { dec, quantize, roundDp, ZERO, type Decimal } from '@cab/domain';
import type { BookLevelText } from './price-feed';
import type { Pair } from './markets';

export interface Fill {
  price: Decimal;
  amount: Decimal;
}

/**
 * Walks the asks spending `quote` (a market buy on Gate is sized in quote). Each level takes
 * whole amount steps only; whatever cannot buy one more step stays as `left` (dust).
 * `limitPrice` stops at that price (limit buys); `maxQuote` caps spending for a partial-fill fault.
 */
export function buyWithQuote(pair: Pair, asks: BookLevelText[], quote: Decimal, limitPrice?: Decimal): Fill[] {
  const fills: Fill[] = [];
  let left = quote;
  for (const lvl of asks) {
    const price = dec(lvl.price);
    if (limitPrice && price.gt(limitPrice)) break;
    const affordable = quantize(left.div(price), pair.amountStep, 'down');
    const amount = affordable.lt(dec(lvl.amount)) ? affordable : dec(lvl.amount);
    if (amount.lte(ZERO)) break;
    fills.push({ price, amount });
    left = left.minus(amount.times(price));
  }
  return fills;
}

/** Walks the book for a base amount: bids for a sell, asks for a limit buy sized in base. */
export function takeBase(levels: BookLevelText[], base: Decimal, side: 'buy' | 'sell', limitPrice?: Decimal): Fill[] {
  const fills: Fill[] = [];
  let left = base;
  for (const lvl of levels) {
    if (left.lte(ZERO)) break;
    const price = dec(lvl.price);
    if (limitPrice && (side === 'sell' ? price.lt(limitPrice) : price.gt(limitPrice))) break;
    const amount = left.lt(dec(lvl.amount)) ? left : dec(lvl.amount);
    fills.push({ price, amount });
    left = left.minus(amount);
  }
  return fills;
}

/** Gate rounds fees in its own favour; 8 decimals is finer than any pair's grid here. */
export function feeOf(x: Decimal, rate: Decimal): Decimal {
  return roundDp(x.times(rate), 8, 'up');
}

export const sumAmount = (fs: Fill[]): Decimal => fs.reduce((a, f) => a.plus(f.amount), ZERO);
export const sumCost = (fs: Fill[]): Decimal => fs.reduce((a, f) => a.plus(f.amount.times(f.price)), ZERO);
