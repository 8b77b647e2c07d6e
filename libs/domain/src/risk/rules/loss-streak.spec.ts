import fc from 'fast-check';
import { dec, ZERO } from '../../money/decimal';
import type { ClosedTrade } from '../types';
import { lossStreak } from './loss-streak';

/** The rule as it was written first: copy, keep the trades closed by ts, sort newest first, count. */
function bySorting(trades: readonly ClosedTrade[], ts: number): { count: number; newestTs: number | null } {
  const newestFirst = [...trades].filter((t) => t.closedTs <= ts).sort((a, b) => b.closedTs - a.closedTs);
  let count = 0;
  for (const t of newestFirst) {
    if (!t.pnlQuote.lt(ZERO)) break;
    count++;
  }
  return { count, newestTs: newestFirst[0]?.closedTs ?? null };
}

// Few distinct times and pnl signs, so equal closing times (the stable-sort case) and zeros come up often.
const trade = fc.record({
  closedTs: fc.integer({ min: 0, max: 12 }),
  pnlQuote: fc.constantFrom('-1', '-0.000001', '0', '0.5', '-3.25', '2').map(dec),
});

describe('lossStreak (one pass, no copy or sort)', () => {
  it('equals the copy-filter-sort count on random trade lists, ties and zeros included', () => {
    fc.assert(
      fc.property(fc.array(trade, { maxLength: 30 }), fc.integer({ min: -1, max: 13 }), (trades, ts) => {
        expect(lossStreak(trades, ts)).toEqual(bySorting(trades, ts));
      }),
      { numRuns: 5000 },
    );
  });

  it('equals it on lists sorted oldest first (as the ledger keeps them: counted from the newest end)', () => {
    fc.assert(
      fc.property(fc.array(trade, { maxLength: 30 }), fc.integer({ min: -1, max: 13 }), (unsorted, ts) => {
        const trades = unsorted.map((t, i) => ({ ...t, i })).sort((a, b) => a.closedTs - b.closedTs || a.i - b.i);
        expect(lossStreak(trades, ts)).toEqual(bySorting(trades, ts));
      }),
      { numRuns: 5000 },
    );
  });

  it('a win at the same time as later-listed losses ends the streak only before them', () => {
    const t = (closedTs: number, pnl: string): ClosedTrade => ({ closedTs, pnlQuote: dec(pnl) });
    // Newest first (stable): the two losses at 5 (listed first), then the win at 5, then the losses at 3.
    expect(lossStreak([t(3, '-1'), t(5, '-1'), t(5, '-2'), t(5, '1'), t(3, '-1')], 10)).toEqual({ count: 2, newestTs: 5 });
    // The win listed first among the time-5 trades stops the count at once.
    expect(lossStreak([t(5, '1'), t(5, '-1'), t(5, '-2')], 10)).toEqual({ count: 0, newestTs: 5 });
    expect(lossStreak([t(11, '-1')], 10)).toEqual({ count: 0, newestTs: null });
    // Sorted oldest first: the same answers from the newest end.
    expect(lossStreak([t(3, '-1'), t(3, '-1'), t(5, '-1'), t(5, '-2'), t(5, '1'), t(11, '1')], 10)).toEqual({ count: 2, newestTs: 5 });
    expect(lossStreak([t(3, '1'), t(5, '-1'), t(5, '-2')], 10)).toEqual({ count: 2, newestTs: 5 });
    expect(lossStreak([t(3, '-1'), t(5, '-1')], 10)).toEqual({ count: 2, newestTs: 5 });
  });
});
