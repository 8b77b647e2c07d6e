import { dec, str } from '../money/decimal';
import { anOrderBook } from '../testing';
import { slippagePct, walkBook } from './book-walk';

const book = anOrderBook(
  [
    ['100', '1'],
    ['99', '0'],
    ['98', '2'],
  ],
  [
    ['101', '1'],
    ['102', '1'],
  ],
);

describe('walkBook', () => {
  it('a sell by base walks the bids, skipping empty levels', () => {
    const f = walkBook(book, 'sell', { base: dec('2') });
    expect([str(f.base), str(f.quote), str(f.avgPrice!), str(f.worstPrice!), f.complete]).toEqual(['2', '198', '99', '98', true]);
    expect(str(slippagePct(f, 'sell')!)).toBe('0.01');
  });

  it('a buy by quote walks the asks and stops exactly at the amount', () => {
    const f = walkBook(book, 'buy', { quote: dec('152') });
    expect([str(f.base), str(f.quote), f.complete]).toEqual(['1.5', '152', true]);
    expect(str(f.worstPrice!)).toBe('102');
  });

  it("an order filled by one level pays exactly that level's price (no slippage from rounding)", () => {
    const odd = anOrderBook([], [['30000.7', '1']]);
    const f = walkBook(odd, 'buy', { quote: dec('10') });
    expect(str(f.avgPrice!)).toBe('30000.7');
    expect(slippagePct(f, 'buy')!.eq(dec('0'))).toBe(true);
    // The same Decimal (sign, digits, exponent) as the difference divided, which it skips.
    const divided = f.avgPrice!.minus(f.bestPrice!).div(f.bestPrice!);
    expect({ ...slippagePct(f, 'buy')! }).toEqual({ ...divided });
    expect({ ...slippagePct(f, 'sell')! }).toEqual({ ...f.bestPrice!.minus(f.avgPrice!).div(f.bestPrice!) });
    // The base is still the exact quotient, to the library's precision.
    expect(f.base.times(dec('30000.7')).minus(dec('10')).abs().lt(dec('1e-18'))).toBe(true);
  });

  it('reports a book too thin for the size', () => {
    const f = walkBook(book, 'buy', { base: dec('5') });
    expect([str(f.base), f.complete]).toEqual(['2', false]);
  });

  it('an empty side fills nothing', () => {
    const f = walkBook(anOrderBook([], []), 'buy', { quote: dec('10') });
    expect(f).toMatchObject({ avgPrice: null, bestPrice: null, worstPrice: null, complete: false });
    expect(slippagePct(f, 'buy')).toBeNull();
  });
});
