import fc from 'fast-check';
import { ZERO, dec, str } from '../money/decimal';
import { anInstrument } from '../testing';
import { applyFill, flatPosition, type Fill } from './position';
import { applyRoundTripFill, instrumentDust, noDust } from './round-trip';

const T = 1_700_000_000_000;
// Gate's BTC/USDT: 0.000001 BTC steps, at least 0.00001 BTC and 3 USDT an order.
const btc = anInstrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: '0.000001', minBase: '0.00001', minNotional: '3' });
const dust = instrumentDust(btc);
const buy = (amount: string, price: string, fee: string, ts = T): Fill => ({
  side: 'buy',
  amount: dec(amount),
  price: dec(price),
  fee: dec(fee),
  feeCurrency: 'base',
  ts,
});
const sell = (amount: string, price: string, fee: string, ts = T + 60_000): Fill => ({
  side: 'sell',
  amount: dec(amount),
  price: dec(price),
  fee: dec(fee),
  feeCurrency: 'quote',
  ts,
});

describe('the round-trip rule: a sell that leaves only dust closes the round trip', () => {
  // 25 USDT at 17,700: 0.001412 BTC filled, 0.2 % fee in base → 0.000002824 fee, 0.001409176 held;
  // the sell quantizes down to 0.001409 and leaves 0.000000176 BTC, unsellable.
  const bought = applyRoundTripFill(flatPosition('BTC/USDT'), buy('0.001412', '17700', '0.000002824'), dust);

  it("Gate's buy fee in base: selling what can be sold leaves dust, and that sell closes the round trip", () => {
    const sold = applyRoundTripFill(bought.position, sell('0.001409', '17800', '0.0501604'), dust);
    expect(str(sold.dust)).toBe('0.000000176');
    expect(sold.closed).not.toBeNull();
    expect(sold.closed).toMatchObject({ symbol: 'BTC/USDT', openedTs: T, closedTs: T + 60_000 });
    // Gross: 0.001409 × (17,800 − 17,700) = 0.1409; fees: the buy's in quote (0.000002824 × 17,700) + the sell's.
    expect(str(sold.closed!.realizedQuote)).toBe('0.1409');
    expect(str(sold.closed!.feesQuote)).toBe(str(dec('0.000002824').times('17700').plus('0.0501604')));
    expect(sold.closed!.pnlQuote.eq(sold.closed!.realizedQuote.minus(sold.closed!.feesQuote))).toBe(true);
    // The dust stays held, with its cost; the round trip's own totals start again.
    expect(str(sold.position.base)).toBe('0.000000176');
    expect(str(sold.position.costQuote)).toBe(str(dec('0.000000176').times('17700')));
    expect(sold.position).toMatchObject({ realizedQuote: ZERO, feesQuote: ZERO, openedTs: null });
  });

  it('the next buy starts a new round trip (with the dust in it), which the next dust-leaving sell closes', () => {
    const sold = applyRoundTripFill(bought.position, sell('0.001409', '17800', '0.0501604'), dust);
    const again = applyRoundTripFill(sold.position, buy('0.001412', '17900', '0.000002824', T + 120_000), dust);
    expect(again.position.openedTs).toBe(T + 120_000);
    const held = again.position.base; // 0.001409352
    const out = applyRoundTripFill(again.position, sell(str(btc.qty(held)), '17850', '0.05', T + 180_000), dust);
    expect(out.closed).toMatchObject({ openedTs: T + 120_000, closedTs: T + 180_000 });
    expect(str(out.dust)).toBe('0.000000352');
  });

  it('a sell that leaves a sellable amount does not close; neither does dust without a dust test (exact zero only)', () => {
    const half = applyRoundTripFill(bought.position, sell('0.0007', '17800', '0.02'), dust);
    expect(half.closed).toBeNull();
    expect(half.dust.eq(ZERO)).toBe(true);
    const noTest = applyRoundTripFill(bought.position, sell('0.001409', '17800', '0.0501604'));
    expect(noTest.closed).toBeNull();
    expect(applyRoundTripFill(bought.position, sell('0.001409', '17800', '0.0501604'), noDust).closed).toBeNull();
  });

  it('a buy never closes, and a sell to exactly zero closes with no dust', () => {
    expect(bought.closed).toBeNull();
    const all = applyRoundTripFill(bought.position, sell('0.001409176', '17800', '0.05'), dust);
    expect(all.closed).not.toBeNull();
    expect(all.dust.eq(ZERO)).toBe(true);
    expect(all.position.base.eq(ZERO)).toBe(true);
  });

  it('dust: below the minimum amount or order value once quantized down to the step', () => {
    expect(dust(dec('0.0000099'), dec('17700'))).toBe(true); // < min base
    expect(dust(dec('0.00001'), dec('17700'))).toBe(true); // 0.177 USDT < 3
    expect(dust(dec('0.0002'), dec('17700'))).toBe(false); // 3.54 USDT
    expect(dust(dec('0.0001699'), dec('17700'))).toBe(true); // quantized to 0.000169: 2.99 USDT
  });

  const units = (min: number, max: number, exp: number) => fc.integer({ min, max }).map((u) => dec(`${u}e-${exp}`));
  it("buying any amount at Gate's base fee and selling all that can be sold always closes the round trip, and the books add up (property)", () => {
    fc.assert(
      fc.property(units(200, 10 ** 7, 6), units(100_000, 10 ** 8, 2), units(100_000, 10 ** 8, 2), units(0, 100, 4), (amount, p1, p2, rate) => {
        const fee = amount.times(rate);
        const b = applyRoundTripFill(flatPosition('BTC/USDT'), { side: 'buy', amount, price: p1, fee, feeCurrency: 'base', ts: T }, dust);
        const q = btc.qty(b.position.base);
        fc.pre(btc.check(q, p2) === null);
        const sellFee = q.times(p2).times('0.002');
        const s = applyRoundTripFill(b.position, { side: 'sell', amount: q, price: p2, fee: sellFee, feeCurrency: 'quote', ts: T + 1 }, dust);
        const plain = applyFill(b.position, { side: 'sell', amount: q, price: p2, fee: sellFee, feeCurrency: 'quote', ts: T + 1 });
        expect(s.closed).not.toBeNull();
        // The same money as the plain accounting: the rule only decides when a round trip ends.
        expect(s.realizedQuote.eq(plain.realizedQuote) && s.feeQuote.eq(plain.feeQuote)).toBe(true);
        expect(s.position.base.eq(plain.position.base) && s.position.costQuote.eq(plain.position.costQuote)).toBe(true);
        expect(s.dust.eq(plain.position.base)).toBe(true);
        const pnl = plain.closed ? plain.closed.pnlQuote : plain.position.realizedQuote.minus(plain.position.feesQuote);
        expect(s.closed!.pnlQuote.eq(pnl)).toBe(true);
      }),
    );
  });
});
