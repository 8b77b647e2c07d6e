import fc from 'fast-check';
import { ZERO, dec, str, type Decimal } from '../money/decimal';
import { MS } from '../time/clock';
import { dailyPnl } from './daily';
import { maxDrawdown, tradeStats } from './equity-stats';
import { applyFill, avgEntry, flatPosition, unrealizedPnl, type FeeCurrency, type Fill } from './position';

const T = 1_700_000_000_000;
const fill = (side: 'buy' | 'sell', amount: string, price: string, fee: string, feeCurrency: FeeCurrency, ts = T): Fill => ({
  side,
  amount: dec(amount),
  price: dec(price),
  fee: dec(fee),
  feeCurrency,
  ts,
});

describe('position accounting', () => {
  it("Gate's buy fee in base: position = filled − fee (docs/lessons.md #4)", () => {
    const r = applyFill(flatPosition('BTC/USDT'), fill('buy', '0.01', '40000', '0.00002', 'base'));
    expect(str(r.position.base)).toBe('0.00998');
    expect(str(r.position.costQuote)).toBe('399.2');
    expect(str(r.feeQuote)).toBe('0.8');
    expect(str(avgEntry(r.position))).toBe('40000');
    expect(r.position.openedTs).toBe(T);
  });

  it('averages entries, realizes on sells and closes the round trip', () => {
    let p = applyFill(flatPosition('BTC/USDT'), fill('buy', '1', '100', '0.2', 'quote')).position;
    p = applyFill(p, fill('buy', '1', '200', '0.4', 'quote', T + 1)).position;
    expect(str(avgEntry(p))).toBe('150');
    expect(str(unrealizedPnl(p, dec('160')))).toBe('20');
    const half = applyFill(p, fill('sell', '1', '170', '0.34', 'quote', T + 2));
    expect(str(half.realizedQuote)).toBe('20');
    expect(half.closed).toBeNull();
    const rest = applyFill(half.position, fill('sell', '1', '140', '0.28', 'quote', T + 3));
    expect(str(rest.realizedQuote)).toBe('-10');
    expect(rest.closed).toEqual({
      symbol: 'BTC/USDT',
      openedTs: T,
      closedTs: T + 3,
      realizedQuote: dec('10'),
      feesQuote: dec('1.22'),
      pnlQuote: dec('8.78'),
    });
    expect(rest.position).toEqual(flatPosition('BTC/USDT'));
    expect(str(avgEntry(rest.position))).toBe('0');
  });

  it('a sell fee in base leaves the position with amount + fee', () => {
    const p = applyFill(flatPosition('X/Y'), fill('buy', '2', '10', '0', 'quote')).position;
    const r = applyFill(p, fill('sell', '1', '10', '0.1', 'base'));
    expect(str(r.position.base)).toBe('0.9');
    expect(str(r.feeQuote)).toBe('1');
    expect(str(r.realizedQuote)).toBe('0');
  });

  it.each([
    ['oversell', () => applyFill(flatPosition('X/Y'), fill('sell', '1', '10', '0', 'quote'))],
    ['zero amount', () => applyFill(flatPosition('X/Y'), fill('buy', '0', '10', '0', 'quote'))],
    ['negative fee', () => applyFill(flatPosition('X/Y'), fill('buy', '1', '10', '-1', 'quote'))],
    ['fee eats the fill', () => applyFill(flatPosition('X/Y'), fill('buy', '1', '10', '1', 'base'))],
  ])('%s is a bookkeeping bug and throws', (_n, f) => {
    expect(f).toThrow(RangeError);
  });

  const amount = fc.integer({ min: 1, max: 10 ** 8 }).map((u) => dec(`${u}e-6`));
  const price = fc.integer({ min: 1, max: 10 ** 9 }).map((u) => dec(`${u}e-2`));
  const rate = fc.integer({ min: 0, max: 100 }).map((u) => dec(`${u}e-4`)); // 0 … 1 %

  it('a buy then a sell of the whole position at the same price loses exactly the fees (property)', () => {
    fc.assert(
      fc.property(amount, price, rate, rate, fc.constantFrom<FeeCurrency>('base', 'quote'), (q, p, r1, r2, cur) => {
        const buyFee = cur === 'base' ? q.times(r1) : q.times(p).times(r1);
        const bought = applyFill(flatPosition('X/Y'), { side: 'buy', amount: q, price: p, fee: buyFee, feeCurrency: cur, ts: T });
        const held = bought.position.base;
        const sellFee = held.times(p).times(r2);
        const sold = applyFill(bought.position, { side: 'sell', amount: held, price: p, fee: sellFee, feeCurrency: 'quote', ts: T + 1 });
        const fees = bought.feeQuote.plus(sold.feeQuote);
        expect(sold.closed).not.toBeNull();
        expect(sold.closed!.pnlQuote.eq(fees.times(dec('-1')))).toBe(true);
        expect(sold.closed!.realizedQuote.eq(ZERO)).toBe(true);
      }),
    );
  });
});

describe('daily realized PnL (UTC day)', () => {
  it('sums realized and fees of the UTC day only', () => {
    const day = T - (T % MS.day);
    const entries = [
      { ts: day - 1, realizedQuote: dec('-100'), feeQuote: dec('1') },
      { ts: day, realizedQuote: dec('-5'), feeQuote: dec('0.5') },
      { ts: day + MS.day - 1, realizedQuote: dec('2'), feeQuote: dec('0.25') },
      { ts: day + MS.day, realizedQuote: dec('-50'), feeQuote: dec('1') },
    ];
    const d = dailyPnl(entries, day + 1000);
    expect(d.dayStart).toBe(day);
    expect(str(d.realizedQuote)).toBe('-3');
    expect(str(d.feesQuote)).toBe('0.75');
    expect(str(d.netQuote)).toBe('-3.75');
  });
});

describe('equity statistics', () => {
  const curve = (xs: string[]): Decimal[] => xs.map((x) => dec(x));

  it('max drawdown in quote and as a fraction of its peak', () => {
    const d = maxDrawdown(curve(['100', '120', '90', '130', '117']));
    expect(str(d.maxDrawdownQuote)).toBe('30');
    expect(str(d.maxDrawdownPct)).toBe('0.25');
    expect(str(d.peakQuote)).toBe('130');
    expect(str(maxDrawdown([]).maxDrawdownQuote)).toBe('0');
  });

  it('win rate and profit factor', () => {
    const s = tradeStats(['10', '-5', '20', '0', '-15'].map((x) => ({ pnlQuote: dec(x) })));
    expect(s).toMatchObject({ trades: 5, wins: 2, losses: 2 });
    expect(str(s.winRate!)).toBe('0.4');
    expect(str(s.profitFactor!)).toBe('1.5');
    expect(str(s.netQuote)).toBe('10');
    const none = tradeStats([]);
    expect(none.winRate).toBeNull();
    expect(none.profitFactor).toBeNull();
  });
});
