import fc from 'fast-check';
import { dec, str, ZERO, type Decimal } from '../money/decimal';
import { anOrderBook } from '../testing';
import { quotientIsPositive, walkBook, type BookFill, type OrderSize } from './book-walk';
import type { BookLevel, OrderBook, Side } from './types';

/** walkBook as it was before the one-level shortcut: every quotient computed, always. */
function walkByDividing(book: OrderBook, side: Side, size: OrderSize): BookFill {
  const levels: readonly BookLevel[] = side === 'buy' ? book.asks : book.bids;
  const byQuote = 'quote' in size;
  let left = byQuote ? size.quote : size.base;
  let base = ZERO;
  let quote = ZERO;
  let worst: Decimal | null = null;
  let touched = 0;
  for (let i = 0; left.gt(ZERO); i++) {
    const level = levels[i];
    if (!level) break;
    if (level.amount.lte(ZERO) || level.price.lte(ZERO)) continue;
    const levelQuote = level.amount.times(level.price);
    const finishes = byQuote ? levelQuote.gte(left) : level.amount.gte(left);
    const takeBase = finishes ? (byQuote ? left.div(level.price) : left) : level.amount;
    base = base.plus(takeBase);
    quote = quote.plus(finishes && byQuote ? left : takeBase.times(level.price));
    left = finishes ? ZERO : left.minus(byQuote ? levelQuote : takeBase);
    worst = level.price;
    touched++;
  }
  return {
    base,
    quote,
    avgPrice: base.gt(ZERO) ? (touched === 1 && worst ? worst : quote.div(base)) : null,
    bestPrice: levels[0]?.price ?? null,
    worstPrice: worst,
    complete: left.lte(ZERO),
  };
}

const text = (x: Decimal | null) => (x === null ? null : str(x));
const view = (f: BookFill) => [text(f.base), text(f.quote), text(f.avgPrice), text(f.bestPrice), text(f.worstPrice), f.complete];

/** A positive decimal from 1e-40 to 1e12 with up to 12 significant digits: tiny quotients included. */
const positive = fc
  .record({ digits: fc.bigInt({ min: 1n, max: 999_999_999_999n }), exp: fc.integer({ min: -52, max: 0 }) })
  .map(({ digits, exp }) => dec(`${digits}e${exp}`));

describe('walkBook without dividing when one level finishes a buy by quote', () => {
  it('quotientIsPositive(a, b) is exactly a ÷ b > 0 (at the division places, half-even), near the rounding edge too', () => {
    fc.assert(
      fc.property(positive, positive, (a, b) => {
        expect(quotientIsPositive(a, b)).toBe(a.div(b).gt(ZERO));
      }),
      { numRuns: 20_000 },
    );
    // The edge itself: a ÷ b = exactly half a unit of the last place rounds to 0 (even); a hair more does not.
    expect(quotientIsPositive(dec('1'), dec('2e24'))).toBe(false);
    expect(dec('1').div(dec('2e24')).gt(ZERO)).toBe(false);
    expect(quotientIsPositive(dec('1.0000001'), dec('2e24'))).toBe(true);
    expect(dec('1.0000001').div(dec('2e24')).gt(ZERO)).toBe(true);
  });

  it('gives the same fill as dividing, on random books and sizes, both sides, tiny sizes included', () => {
    const level = fc.tuple(positive, fc.oneof(positive, fc.constant(dec('0'))));
    fc.assert(
      fc.property(fc.array(level, { maxLength: 4 }), fc.constantFrom<Side>('buy', 'sell'), fc.boolean(), positive, (levels, side, byQuote, amount) => {
        const rows = levels.map(([p, a]) => [str(p), str(a)] as [string, string]);
        const book = side === 'buy' ? anOrderBook([], rows) : anOrderBook(rows, []);
        const size: OrderSize = byQuote ? { quote: amount } : { base: amount };
        expect(view(walkBook(book, side, size))).toEqual(view(walkByDividing(book, side, size)));
      }),
      { numRuns: 20_000 },
    );
  });
});
