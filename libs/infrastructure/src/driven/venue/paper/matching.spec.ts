import { dec, str, type BookLevel } from '@cab/domain';
import { walkBuyByQuote, walkSellByBase } from './matching';

const levels = (...xs: [string, string][]): BookLevel[] => xs.map(([p, a]) => ({ price: dec(p), amount: dec(a) }));
const STEP = dec('0.001');

describe('walkBuyByQuote', () => {
  it('takes whole levels, then whole steps of the next, and stops at dust', () => {
    const w = walkBuyByQuote(levels(['100', '1'], ['101', '1']), dec('150.9'), STEP);
    // 100 for 1.000 at 100; 50.9 left buys 0.503 at 101 (50.803), 0.097 is dust.
    expect(w.executions.map((e) => [str(e.price), str(e.amount), str(e.cost)])).toEqual([
      ['100', '1', '100'],
      ['101', '0.503', '50.803'],
    ]);
    expect(str(w.filledBase)).toBe('1.503');
    expect(str(w.filledQuote)).toBe('150.803');
    expect(w.exhausted).toBe(false);
  });

  it('is exhausted when the book runs out while the order could still buy', () => {
    const w = walkBuyByQuote(levels(['100', '0.5']), dec('100'), STEP);
    expect(str(w.filledBase)).toBe('0.5');
    expect(w.exhausted).toBe(true);
  });

  it('is not exhausted when the last level is taken exactly', () => {
    const w = walkBuyByQuote(levels(['100', '0.5']), dec('50'), STEP);
    expect(str(w.filledQuote)).toBe('50');
    expect(w.exhausted).toBe(false);
  });

  it('fills nothing against an empty side, and says so', () => {
    const w = walkBuyByQuote([], dec('100'), STEP);
    expect(w.executions).toEqual([]);
    expect(w.exhausted).toBe(true);
  });

  it('never buys an amount off the grid even when a level is', () => {
    const w = walkBuyByQuote(levels(['100', '0.0005'], ['100', '2']), dec('10'), STEP);
    for (const e of w.executions) expect(e.amount.mod(STEP).eq('0')).toBe(true);
    expect(str(w.filledBase)).toBe('0.1');
  });
});

describe('walkSellByBase', () => {
  it('walks bids until the amount is sold', () => {
    const w = walkSellByBase(levels(['100', '0.3'], ['99', '1']), dec('0.5'), STEP);
    expect(w.executions.map((e) => [str(e.price), str(e.amount)])).toEqual([
      ['100', '0.3'],
      ['99', '0.2'],
    ]);
    expect(str(w.filledQuote)).toBe('49.8');
    expect(w.exhausted).toBe(false);
  });

  it('is exhausted when the bids run out', () => {
    const w = walkSellByBase(levels(['100', '0.3']), dec('0.5'), STEP);
    expect(str(w.filledBase)).toBe('0.3');
    expect(w.exhausted).toBe(true);
  });
});
