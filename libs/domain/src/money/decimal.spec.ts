import fc from 'fast-check';
import {
  approx,
  dec,
  decOr,
  divide,
  divOnGrid,
  powerOfTenPlaces,
  isDecimalString,
  isNegative,
  isPositive,
  max,
  min,
  quantize,
  quantizeDown,
  quantizeNearest,
  quantizeUp,
  roundDp,
  str,
  sum,
  ZERO,
  type Rounding,
} from './decimal';

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

  // Moved from the paper broker's grid helper, which quantize's power-of-ten path replaced.
  it.each([
    ['1.23456789', '0.01', 'down', '1.23'],
    ['1.23456789', '0.01', 'up', '1.24'],
    ['1.235', '0.01', 'nearest', '1.24'],
    ['1.245', '0.01', 'nearest', '1.24'],
    ['-1.239', '0.01', 'down', '-1.23'],
    ['7.9', '1', 'down', '7'],
    ['0.123', '0.05', 'down', '0.1'],
    ['0.123', '0.05', 'up', '0.15'],
  ])('%s on %s rounded %s is %s', (x, step, rounding, expected) => {
    expect(str(quantize(dec(x), dec(step), rounding as Rounding))).toBe(expected);
  });

  it('on a power-of-ten step gives what the long division gives, for any value and rounding (property)', () => {
    const mode = { down: 0, up: 3, nearest: 2 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom<Rounding>('down', 'up', 'nearest'),
        (n, scale, stepDp, rounding) => {
          const x = dec(String(n)).div(dec('1' + '0'.repeat(scale)));
          const step = dec(stepDp === 0 ? '1' : '0.' + '0'.repeat(stepDp - 1) + '1');
          expect(str(quantize(x, step, rounding))).toBe(str(x.div(step).round(0, mode[rounding]).times(step)));
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  it('refuses a step that is not positive', () => {
    expect(() => quantizeDown(dec('1'), ZERO)).toThrow(RangeError);
  });

  const positive = fc.tuple(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 12 })).map(([units, scale]) => dec(`${units}e-${scale}`));
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

describe('divOnGrid', () => {
  it('divides straight onto a power-of-ten grid', () => {
    expect(str(divOnGrid(dec('25000'), dec('60123.4'), dec('0.000001'), 'down'))).toBe('0.415811');
    expect(str(divOnGrid(dec('25000'), dec('60123.4'), dec('0.000001'), 'up'))).toBe('0.415812');
    expect(str(divOnGrid(dec('1'), dec('8'), dec('0.01'), 'nearest'))).toBe('0.12');
    expect(str(divOnGrid(dec('10'), dec('4'), dec('1'), 'down'))).toBe('2');
  });

  it('falls back to quantize for other steps, and leaves the global precision alone', () => {
    expect(str(divOnGrid(dec('10'), dec('3'), dec('0.5'), 'down'))).toBe('3');
    divOnGrid(dec('1'), dec('3'), dec('0.1'), 'up');
    expect(str(dec('1').div(dec('3')))).toBe(`0.${'3'.repeat(24)}`);
  });

  it('knows the power-of-ten steps', () => {
    expect([dec('1'), dec('0.1'), dec('1e-8'), dec('0.5'), dec('10'), dec('0.011')].map(powerOfTenPlaces)).toEqual([0, 1, 8, null, null, null]);
  });

  const positive = fc.tuple(fc.integer({ min: 1, max: 10 ** 12 }), fc.integer({ min: 0, max: 12 })).map(([units, scale]) => dec(`${units}e-${scale}`));
  const step = fc.integer({ min: 0, max: 10 }).map((k) => dec(`1e-${k}`));

  const anyStep = fc.oneof(
    step,
    fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 8 })).map(([u, k]) => dec(`${u}e-${k}`)),
  );

  it('rounds down and up exactly for any step, zero included (property)', () => {
    fc.assert(
      fc.property(fc.oneof(positive, fc.constant(ZERO)), positive, anyStep, (a, b, s) => {
        const down = divOnGrid(a, b, s, 'down');
        expect(down.times(b).lte(a)).toBe(true);
        expect(down.plus(s).times(b).gt(a)).toBe(true);
        const up = divOnGrid(a, b, s, 'up');
        expect(up.times(b).gte(a)).toBe(true);
        expect(up.minus(s).times(b).lt(a)).toBe(true);
        expect(down.mod(s).eq(ZERO) && up.mod(s).eq(ZERO)).toBe(true);
      }),
    );
  });

  it('rounds to the nearest grid point exactly on a power-of-ten grid (property)', () => {
    fc.assert(
      fc.property(positive, positive, step, (a, b, s) => {
        const near = divOnGrid(a, b, s, 'nearest');
        expect(
          near
            .times(b)
            .minus(a)
            .abs()
            .lte(s.times(b).div(dec('2'))),
        ).toBe(true);
        expect(near.mod(s).eq(ZERO)).toBe(true);
      }),
    );
  });
});

describe('divide', () => {
  const same = (a: string, b: string) => {
    const q = divide(dec(a), dec(b));
    const expected = dec(a).div(dec(b));
    expect(str(q)).toBe(str(expected));
    expect(q.eq(expected)).toBe(true);
    // The result is a Decimal like any other: it computes on as big.js's own would.
    expect(str(q.times(dec(b)).plus(dec('1.5')))).toBe(str(expected.times(dec(b)).plus(dec('1.5'))));
  };

  it.each([
    ['99.87654321', '0.00152347'],
    ['65432.12', '3'],
    ['-1', '3'],
    ['1', '-8'],
    ['-7', '-0.5'],
    ['100', '1'],
    ['0', '3'],
    ['0.000000001', '123456789012'],
    // Exact halves at the 25th place, rounded to even both ways.
    ['0.000000000000000000000015', '2'],
    ['0.000000000000000000000025', '2'],
    ['123456789012345678901234567890.123', '0.000000007'],
  ])('%s ÷ %s is what big.js says', (a, b) => same(a, b));

  it('refuses a zero divisor as big.js does', () => {
    expect(() => divide(dec('1'), ZERO)).toThrow();
  });

  it("gives big.js's quotient for any operands: signs, zero, 1 to 40 digits, tiny and huge (property)", () => {
    const operand = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[1-9][0-9]{0,39}$/), fc.integer({ min: -40, max: 30 }))
      .map(([neg, digits, exp]) => `${neg ? '-' : ''}${digits}e${exp}`);
    fc.assert(
      fc.property(fc.oneof(operand, fc.constant('0')), operand, (a, b) => same(a, b)),
      { numRuns: 2000 },
    );
  });
});

describe('approx', () => {
  it('is the number the decimal text parses to, to the bit (property)', () => {
    const text = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,20}$/), fc.integer({ min: -30, max: 30 }))
      .map(([neg, digits, exp]) => `${neg ? '-' : ''}${digits}e${exp}`);
    fc.assert(
      fc.property(text, (t) => {
        const x = dec(t);
        expect(Object.is(approx(x), Number(x.toFixed()))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it.each(['0', '-0', '0.1', '-0.3', '65432.12', '0.000000001', '123456789012345', '1234567890123456789', '1e22', '1e-22', '9007199254740993'])('%s', (t) => {
    expect(Object.is(approx(dec(t)), Number(dec(t).toFixed()))).toBe(true);
  });
});

describe('isPositive, isNegative', () => {
  it.each(['0', '-0', '1e-30', '-1e-30', '5', '-5', '0.000', '123.456'])('%s is what gt(ZERO) and lt(ZERO) say', (t) => {
    expect(isPositive(dec(t))).toBe(dec(t).gt(ZERO));
    expect(isNegative(dec(t))).toBe(dec(t).lt(ZERO));
  });
});
