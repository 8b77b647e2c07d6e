import { quantize, str, type Decimal, type Rounding } from '@cab/domain';

const POWER_OF_TEN = /^(1|0\.0*1)$/;

/**
 * `quantize(x, step, rounding)`, fast when the step is a power of ten (0.01, 0.000001, 1): then
 * it is a rounding to decimal places, which big.js does without a long division. The paper
 * broker quantizes on every book level, so this is most of its cost per order.
 */
export function onGrid(x: Decimal, step: Decimal, rounding: Rounding): Decimal {
  const s = str(step);
  if (!POWER_OF_TEN.test(s)) return quantize(x, step, rounding);
  const dp = s === '1' ? 0 : s.length - 2;
  return x.round(dp, rounding === 'down' ? 0 : rounding === 'up' ? 3 : 2);
}
