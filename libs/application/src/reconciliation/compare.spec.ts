import fc from 'fast-check';
import { dec, str, ZERO, type Decimal } from '@cab/domain';
import type { BalanceDTO } from '../ports/broker';
import { compareBalances } from './compare-balances';
import { comparePosition } from './compare-positions';

describe('comparePosition', () => {
  const step = dec('0.000001');
  const tol = dec('0.001');
  it('matches within one step or the relative tolerance', () => {
    expect(comparePosition(dec('1'), dec('0.9995'), step, tol).kind).toBe('match');
    expect(comparePosition(dec('0.002'), dec('0.002001'), step, tol).kind).toBe('match');
  });
  it('calls the venue short or in surplus beyond it', () => {
    expect(comparePosition(dec('1'), dec('0.99'), step, tol)).toMatchObject({ kind: 'short' });
    expect(comparePosition(ZERO, dec('0.5'), step, tol)).toMatchObject({ kind: 'surplus' });
  });

  const amount = fc.bigInt({ min: 0n, max: 10n ** 12n }).map((n) => dec(n.toString()).div(dec('1000000')));
  it('property: comparing a value with itself always matches; short and surplus are mirror images', () => {
    fc.assert(
      fc.property(amount, amount, (a: Decimal, b: Decimal) => {
        expect(comparePosition(a, a, step, tol).kind).toBe('match');
        const ab = comparePosition(a, b, step, tol);
        if (ab.kind === 'short') expect(str(ab.diff)).toBe(str(a.minus(b)));
        if (ab.kind === 'surplus') expect(str(ab.diff)).toBe(str(b.minus(a)));
        if (ab.kind === 'match')
          expect(
            b
              .minus(a)
              .abs()
              .lte(a.times(tol).gt(step) ? a.times(tol) : step),
          ).toBe(true);
      }),
    );
  });
});

describe('compareBalances', () => {
  const bal = (over: Partial<BalanceDTO> = {}): BalanceDTO => ({
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    freeBase: ZERO,
    freeQuote: dec('100'),
    usedBase: ZERO,
    usedQuote: ZERO,
    ...over,
  });
  it('is clean for a plain account', () => {
    expect(compareBalances(bal(), 0)).toEqual([]);
  });
  it('halts on a negative amount', () => {
    expect(compareBalances(bal({ freeQuote: dec('-1') }), 0)).toEqual([expect.objectContaining({ halting: true, subject: 'USDT free' })]);
  });
  it('reports funds locked by orders the bot does not know, but not while it has open orders itself', () => {
    expect(compareBalances(bal({ usedQuote: dec('10') }), 0)).toEqual([expect.objectContaining({ halting: false, subject: 'USDT used' })]);
    expect(compareBalances(bal({ usedQuote: dec('10') }), 1)).toEqual([]);
  });
});
