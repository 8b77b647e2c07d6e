import { powerOfTenPlaces, quantize, type Decimal, type Rounding } from '@cab/domain';

const RM = { down: 0, up: 3, nearest: 2 } as const;

/**
 * `quantize(x, step, rounding)`, fast when the step is a power of ten (0.01, 0.000001, 1): then
 * it is a rounding to decimal places, which big.js does without a long division. The paper
 * broker quantizes on every book level, so this is most of its cost per order. (For a quotient
 * put on the grid, `divOnGrid` from @cab/domain saves the long division too.)
 */
export function onGrid(x: Decimal, step: Decimal, rounding: Rounding): Decimal {
  const dp = powerOfTenPlaces(step);
  return dp === null ? quantize(x, step, rounding) : x.round(dp, RM[rounding]);
}
