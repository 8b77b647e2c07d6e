import fc from 'fast-check';
import { dec, quantize, str, type Rounding } from '@cab/domain';
import { onGrid } from './grid';

describe('onGrid', () => {
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
    expect(str(onGrid(dec(x), dec(step), rounding as Rounding))).toBe(expected);
  });

  it('agrees with quantize for any value, power-of-ten step and rounding', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom<Rounding>('down', 'up', 'nearest'),
        (n, scale, stepDp, rounding) => {
          const x = dec(String(n)).div(dec('1' + '0'.repeat(scale)));
          const step = dec(stepDp === 0 ? '1' : '0.' + '0'.repeat(stepDp - 1) + '1');
          expect(str(onGrid(x, step, rounding))).toBe(str(quantize(x, step, rounding)));
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});
