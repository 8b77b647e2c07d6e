/** Periods are whole numbers ≥ 1; anything else is a programming error (strategies validate first). */
export function checkPeriod(name: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min) throw new RangeError(`${name}: period must be an integer >= ${min}, got ${period}`);
}

/**
 * A NaN or an infinity would poison every later value of a running sum, so updates refuse it
 * loudly. The test is written inline as `x - x !== 0` (true for NaN and ±Infinity only): a call
 * across modules on every update costs more than the indicator itself.
 */
export function notFinite(name: string, x: number): RangeError {
  return new RangeError(`${name}: input must be a finite number, got ${x}`);
}

/**
 * Running sums drift by a few ulps per update; re-adding the window now and then keeps the error
 * bounded. Every `max(4096, 4 × period)` updates costs O(period), i.e. amortized O(1).
 */
export const resumInterval = (period: number): number => Math.max(4096, 4 * period);
