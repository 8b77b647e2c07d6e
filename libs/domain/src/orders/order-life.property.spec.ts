import fc from 'fast-check';
import { dec, ZERO, type Decimal } from '../money/decimal';
import { anInstrument, T0 } from '../testing';
import { applyFillToPosition, emptyBookedPosition, type BookedPosition } from '../pnl/booked-position';
import { noDust } from '../pnl/round-trip';
import { applyObservation } from './apply-observation';
import type { Order, VenueAnswer } from './order';

const inst = anInstrument();

/** A decimal with `dp` places from an integer in [lo, hi] (in units of the last place). */
const decimal = (lo: number, hi: number, dp: number) => fc.integer({ min: lo, max: hi }).map((n) => dec(String(n)).div(dec('1' + '0'.repeat(dp))));

const anOrder = (side: 'buy' | 'sell', requested: Decimal): Order => ({
  clientOrderId: 'p-1',
  symbol: 'BTC/USDT',
  side,
  type: 'market',
  requestedQuote: side === 'buy' ? requested : null,
  requestedBase: side === 'sell' ? requested : null,
  status: 'new',
  filledBase: ZERO,
  filledQuote: ZERO,
  averagePrice: null,
  fee: ZERO,
  feeCurrency: null,
  exchangeOrderId: null,
  createdAt: T0,
  updatedAt: T0,
});

interface Totals {
  base: Decimal;
  quote: Decimal;
  fee: Decimal;
}

/** Cumulative totals of fills at varying prices, with a fee proportional to what filled (Gate's rate). */
const growingTotals = fc
  .record({
    steps: fc.array(fc.record({ base: decimal(1, 1_000_000, 6), price: decimal(1_000_000, 9_000_000, 2) }), { minLength: 1, maxLength: 6 }),
    rate: fc.constantFrom('0', '0.001', '0.002'),
  })
  .map(({ steps, rate }) => {
    const totals: Totals[] = [];
    let base = ZERO;
    let quote = ZERO;
    for (const s of steps) {
      base = base.plus(s.base);
      quote = quote.plus(s.base.times(s.price));
      totals.push({ base, quote, fee: base.times(dec(rate)) });
    }
    return totals;
  });

const answerOf = (side: 'buy' | 'sell', t: Totals, last: boolean): VenueAnswer => ({
  kind: 'answer',
  id: '42',
  status: last ? 'closed' : 'open',
  requestedQuote: null,
  requestedBase: null,
  filledBase: t.base,
  filledQuote: t.quote,
  averagePrice: t.quote.div(t.base),
  fee: side === 'buy' ? t.fee : t.fee.times(t.quote.div(t.base)),
  feeCurrency: side === 'buy' ? 'BTC' : 'USDT',
});

/** Applies observations in turn to the order and the position, as the settler does. */
function run(order: Order, position: BookedPosition, answers: readonly VenueAnswer[]): { order: Order; position: BookedPosition; filled: Decimal[] } {
  let o = order;
  let p = position;
  const filled: Decimal[] = [];
  answers.forEach((a, i) => {
    const r = applyObservation(o, a, inst, T0 + i + 1);
    o = r.order;
    filled.push(o.filledBase);
    if (r.delta) p = applyFillToPosition(p, r.delta, noDust).position;
  });
  return { order: o, position: p, filled };
}

const close = (a: Decimal, b: Decimal) => a.minus(b).abs().lte(dec('1e-12'));
const samePosition = (a: BookedPosition, b: BookedPosition) => {
  expect(a.baseQty.eq(b.baseQty)).toBe(true);
  expect(close(a.avgEntry, b.avgEntry)).toBe(true);
  expect(close(a.realizedPnl, b.realizedPnl)).toBe(true);
  expect(close(a.feesQuote, b.feesQuote)).toBe(true);
  expect(a.openedAt === null).toBe(b.openedAt === null);
};

/** Each observation seen once or twice in a row, and now and then an older one seen late. */
const withRepeatsAndStale = (answers: VenueAnswer[], picks: number[]): VenueAnswer[] =>
  answers.flatMap((a, i) => {
    const pick = picks[i % picks.length]!;
    if (pick === 1) return [a, a];
    if (pick === 2 && i > 0) return [a, answers[i - 1]!];
    return [a];
  });

const held = (base: Decimal): BookedPosition => ({ ...emptyBookedPosition('BTC/USDT'), baseQty: base, avgEntry: dec('40000'), openedAt: T0 });

describe("an order's life, property-based", () => {
  it('applying the same observation twice moves the position once', () => {
    fc.assert(
      fc.property(growingTotals, fc.boolean(), (totals, last) => {
        const a = answerOf('buy', totals[totals.length - 1]!, last);
        const once = run(anOrder('buy', totals[totals.length - 1]!.quote), emptyBookedPosition('BTC/USDT'), [a]);
        const twice = run(anOrder('buy', totals[totals.length - 1]!.quote), emptyBookedPosition('BTC/USDT'), [a, a]);
        expect(twice.position).toEqual(once.position);
        expect({ ...twice.order, updatedAt: 0 }).toEqual({ ...once.order, updatedAt: 0 });
      }),
    );
  });

  it('buys: any sequence of growing observations (repeated, or seen late) books what the final totals book at once', () => {
    fc.assert(
      fc.property(growingTotals, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 6 }), (totals, picks) => {
        const final = totals[totals.length - 1]!;
        const answers = totals.map((t, i) => answerOf('buy', t, i === totals.length - 1));
        const stepwise = run(anOrder('buy', final.quote), emptyBookedPosition('BTC/USDT'), withRepeatsAndStale(answers, picks));
        const atOnce = run(anOrder('buy', final.quote), emptyBookedPosition('BTC/USDT'), [answers[answers.length - 1]!]);
        samePosition(stepwise.position, atOnce.position);
        expect(stepwise.order.status).toBe('filled');
        expect(stepwise.order.filledBase.eq(final.base)).toBe(true);
      }),
    );
  });

  it('sells: any sequence of growing observations books what the final totals book at once', () => {
    fc.assert(
      fc.property(growingTotals, decimal(0, 1_000_000, 6), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 6 }), (totals, extra, picks) => {
        const final = totals[totals.length - 1]!;
        // Held: what is sold plus something (or nothing) left.
        const position = held(final.base.plus(extra));
        const answers = totals.map((t, i) => answerOf('sell', t, i === totals.length - 1));
        const stepwise = run(anOrder('sell', final.base), position, withRepeatsAndStale(answers, picks));
        const atOnce = run(anOrder('sell', final.base), position, [answers[answers.length - 1]!]);
        samePosition(stepwise.position, atOnce.position);
        expect(stepwise.position.baseQty.eq(extra)).toBe(true);
      }),
    );
  });

  it("the order's filled amounts never shrink, whatever order the answers come in", () => {
    fc.assert(
      fc.property(growingTotals, fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), (totals, order) => {
        const answers = order.map((n) => answerOf('buy', totals[n % totals.length]!, n % 3 === 0));
        const { filled } = run(anOrder('buy', totals[totals.length - 1]!.quote), emptyBookedPosition('BTC/USDT'), answers);
        let max = ZERO;
        filled.forEach((f, i) => {
          const seen = answers[i]!.filledBase;
          max = seen.gt(max) ? seen : max;
          expect(f.eq(max)).toBe(true);
        });
      }),
    );
  });
});
