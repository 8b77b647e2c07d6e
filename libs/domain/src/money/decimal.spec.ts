import fc from 'fast-check';
import { approx, dec, decOr, isDecimalString, max, min, quantize, quantizeDown, quantizeNearest, quantizeUp, roundDp, str, sum, ZERO } from './decimal';

describe('dec', () => {
  it.each(['0', '1', '-2.5', '0.00000001', '1e-8', '+3', ' 42 ', '.5'])('accepts decimal text %j', (s) => {
    expect(isDecimalString(s)).toBe(true);
    expect(() => dec(s)).not.toThrow();
  });

  it.each(['', 'abc', '1,5', 'NaN', 'Infinity', '1.2.3', '0x10'])('refuses %j', (s) => {
    expect(isDecimalString(s)).toBe(false);
    expect(() => dec(s)).toThrow(/not a decimal/);
  });

  it('refuses a JS number: floats never become money', () => {
    expect(() => dec(0.1 as unknown as string)).toThrow(TypeError);
  });

  it('is exact where floats are not', () => {
    expect(str(dec('0.1').plus(dec('0.2')))).toBe('0.3');
  });

  it('copies a Decimal and prints without exponent', () => {
    expect(str(dec(dec('1e-12')))).toBe('0.000000000001');
    expect(str(dec('1e21'))).toBe('1000000000000000000000');
  });

  it('decOr falls back on missing values', () => {
    expect(str(decOr(undefined, '5'))).toBe('5');
    expect(str(decOr('', '5'))).toBe('5');
    expect(str(decOr('7', '5'))).toBe('7');
  });

  it('min, max, sum, roundDp, approx', () => {
    expect(str(min(dec('1'), dec('2')))).toBe('1');
    expect(str(max(dec('1'), dec('2')))).toBe('2');
    expect(str(sum([dec('0.1'), dec('0.2'), dec('0.3')]))).toBe('0.6');
    expect(str(sum([]))).toBe('0');
    expect(str(roundDp(dec('1.239'), 2))).toBe('1.23');
    expect(str(roundDp(dec('1.235'), 2, 'nearest'))).toBe('1.24');
    expect(approx(dec('1.5'))).toBe(1.5);
  });
});

describe('quantize', () => {
  it('puts values on the grid in each direction', () => {
    expect(str(quantizeDown(dec('0.123456'), dec('0.0001')))).toBe('0.1234');
    expect(str(quantizeUp(dec('0.123401'), dec('0.0001')))).toBe('0.1235');
    expect(str(quantizeNearest(dec('100.26'), dec('0.5')))).toBe('100.5');
    expect(str(quantize(dec('7'), dec('5'), 'down'))).toBe('5');
  });

  it('refuses a step that is not positive', () => {
    expect(() => quantizeDown(dec('1'), ZERO)).toThrow(RangeError);
  });

  const positive = fc
    .tuple(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 12 }))
    .map(([units, scale]) => dec(`${units}e-${scale}`));
  const step = fc.integer({ min: 0, max: 10 }).map((k) => dec(`1e-${k}`));

  it('down never exceeds the raw value and sits on the grid (property)', () => {
    fc.assert(
      fc.property(positive, step, (x, s) => {
        const q = quantizeDown(x, s);
        expect(q.lte(x)).toBe(true);
        expect(x.minus(q).lt(s)).toBe(true);
        expect(q.mod(s).eq(ZERO)).toBe(true);
      }),
    );
  });

  it('up never falls below the raw value and sits on the grid (property)', () => {
    fc.assert(
      fc.property(positive, step, (x, s) => {
        const q = quantizeUp(x, s);
        expect(q.gte(x)).toBe(true);
        expect(q.mod(s).eq(ZERO)).toBe(true);
      }),
    );
  });
});
