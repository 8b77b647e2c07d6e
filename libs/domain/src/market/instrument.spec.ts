import fc from 'fast-check';
import { ZERO, dec, str } from '../money/decimal';
import { Instrument, splitSymbol } from './instrument';
import { mid, spreadPct } from './types';

const btc = new Instrument({
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  priceTick: '0.1',
  amountStep: '0.00001',
  minBase: '0.0001',
  minNotional: '3',
  takerFee: '0.002',
  makerFee: '0.002',
});

describe('Instrument', () => {
  it('quantizes quantities down and prices to the nearest tick by default', () => {
    expect(str(btc.qty('0.123456789'))).toBe('0.12345');
    expect(str(btc.qty('0.123451', 'up'))).toBe('0.12346');
    expect(str(btc.price('43210.26'))).toBe('43210.3');
    expect(str(btc.price('43210.26', 'down'))).toBe('43210.2');
  });

  it.each([
    ['0', '100', 'INSTRUMENT.QTY_NOT_POSITIVE'],
    ['0.001', '0', 'INSTRUMENT.PRICE_NOT_POSITIVE'],
    ['0.000015', '100', 'INSTRUMENT.QTY_OFF_GRID'],
    ['0.00005', '100000', 'INSTRUMENT.MIN_BASE'],
    ['0.0001', '20000', 'INSTRUMENT.MIN_NOTIONAL'],
  ])('check(%s, %s) → %s', (q, p, code) => {
    expect(btc.check(dec(q), dec(p))?.code).toBe(code);
  });

  it('accepts an order on the grid above the minimums', () => {
    expect(btc.check(dec('0.001'), dec('43000'))).toBeNull();
  });

  it('checks a quote amount for a market buy by cost', () => {
    expect(btc.checkQuote(dec('10'))).toBeNull();
    expect(btc.checkQuote(dec('2.5'))?.code).toBe('INSTRUMENT.MIN_NOTIONAL');
    expect(btc.checkQuote(ZERO)?.code).toBe('INSTRUMENT.QTY_NOT_POSITIVE');
  });

  it.each([
    ['priceTick', { priceTick: '0' }],
    ['amountStep', { amountStep: '-1' }],
    ['minimums', { minBase: '-1' }],
  ])('refuses a bad %s', (_n, patch) => {
    expect(
      () => new Instrument({ ...btc, priceTick: '0.1', amountStep: '0.00001', minBase: '0', minNotional: '0', takerFee: '0', makerFee: '0', ...patch }),
    ).toThrow(RangeError);
  });

  it('accepts exactly what check finds nothing against, on power-of-ten and other grids (property)', () => {
    const odd = new Instrument({ ...btc, priceTick: '0.1', amountStep: '0.00005', minBase: '0.0001', minNotional: '3', takerFee: '0.002', makerFee: '0.002' });
    const amount = fc.tuple(fc.integer({ min: -10, max: 10 ** 7 }), fc.integer({ min: 0, max: 9 })).map(([u, s]) => dec(`${u}e-${s}`));
    let accepted = 0;
    fc.assert(
      fc.property(amount, amount, fc.boolean(), (q, p, useOdd) => {
        const inst = useOdd ? odd : btc;
        expect(inst.accepts(q, p)).toBe(inst.check(q, p) === null);
        if (inst.accepts(q, p)) accepted++;
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('quantized quantities never exceed the raw value and sit on the grid (property)', () => {
    const raw = fc.tuple(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 10 })).map(([u, s]) => dec(`${u}e-${s}`));
    fc.assert(
      fc.property(raw, (x) => {
        const q = btc.qty(x);
        expect(q.lte(x)).toBe(true);
        expect(q.mod(btc.amountStep).eq(ZERO)).toBe(true);
        const p = btc.price(x);
        expect(p.mod(btc.priceTick).eq(ZERO)).toBe(true);
        expect(
          p
            .minus(x)
            .abs()
            .lte(btc.priceTick.div(dec('2'))),
        ).toBe(true);
      }),
    );
  });
});

describe('ticker helpers and symbols', () => {
  it('mid and spread', () => {
    expect(str(mid({ bid: dec('99'), ask: dec('101') }))).toBe('100');
    expect(str(spreadPct({ bid: dec('99'), ask: dec('101') }))).toBe('0.02');
    expect(str(spreadPct({ bid: dec('101'), ask: dec('99') }))).toBe('0');
  });

  it('splits spot symbols and refuses others', () => {
    expect(splitSymbol('BTC/USDT')).toEqual({ base: 'BTC', quote: 'USDT' });
    expect(() => splitSymbol('BTC_USDT')).toThrow(RangeError);
  });
});
