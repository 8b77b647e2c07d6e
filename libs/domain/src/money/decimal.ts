import BigJs from 'big.js';

/**
 * A private, strict big.js constructor. Strict mode makes lossy conversions throw:
 * `dec(0.1)` (a JS number) and `.toNumber()` of an inexact value are errors, so a float can
 * never sneak into money arithmetic. Being private, nothing here changes big.js's global
 * settings for a host bot that uses big.js itself.
 */
const D = BigJs();
D.strict = true;
/** Decimal places of a division: 24 is below any venue grid (Gate: 1e-8 at most; even ETH wei is 1e-18) and division cost grows with it. Quantize to the grid afterwards. */
export const DIVISION_DP = 24;
D.DP = DIVISION_DP;
D.RM = BigJs.roundHalfEven;
D.NE = -50;
D.PE = 50;

export type Decimal = BigJs;
/** What may become a decimal: a decimal string ("0.001", "-2", "1e-8") or an existing Decimal. */
export type DecimalInput = string | BigJs;

const DECIMAL_RE = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** True when `s` is a finite decimal number written as text (the only form money arrives in). */
export function isDecimalString(s: string): boolean {
  return DECIMAL_RE.test(s.trim());
}

/**
 * The one door into money arithmetic. Accepts decimal strings and Decimals only; a JS number
 * throws in strict mode, which is the point.
 */
export function dec(v: DecimalInput): Decimal {
  if (typeof v === 'string') {
    const s = v.trim();
    if (!DECIMAL_RE.test(s)) throw new TypeError(`not a decimal: ${JSON.stringify(v)}`);
    return new D(s.startsWith('+') ? s.slice(1) : s);
  }
  if (v instanceof BigJs) return new D(v);
  throw new TypeError(`not a decimal string: ${typeof v}`);
}

/** `dec` for values that may be missing: null/undefined/'' give `fallback`. */
export function decOr(v: DecimalInput | null | undefined, fallback: DecimalInput): Decimal {
  return v === null || v === undefined || v === '' ? dec(fallback) : dec(v);
}

/** A whole JS number (a count, a period) as a Decimal; anything else throws, as for `dec`. */
export function decInt(n: number): Decimal {
  if (!Number.isSafeInteger(n)) throw new TypeError(`not a safe integer: ${n}`);
  return new D(String(n));
}

export const ZERO: Decimal = new D('0');
export const ONE: Decimal = new D('1');

/** Plain decimal text, never exponent notation: the form stored in SQLite and sent in JSON. */
export function str(x: Decimal): string {
  return x.toFixed();
}

export type Rounding = 'down' | 'up' | 'nearest';

const MODE: Record<Rounding, 0 | 1 | 2 | 3> = {
  down: BigJs.roundDown,
  up: BigJs.roundUp,
  nearest: BigJs.roundHalfEven,
};

/** Puts `x` on the grid of `step` (> 0). 'down' rounds toward zero: never more than you have. */
export function quantize(x: Decimal, step: Decimal, rounding: Rounding): Decimal {
  // A power-of-ten step (every Gate grid: 0.01, 0.000001, 1) is a rounding to decimal places, the
  // same result without a 24-place long division.
  const dp = powerOfTenPlaces(step);
  if (dp !== null) return x.round(dp, MODE[rounding]);
  if (step.lte(ZERO)) throw new RangeError(`step must be > 0, got ${str(step)}`);
  return x.div(step).round(0, MODE[rounding]).times(step);
}

/**
 * `quantize(a / b, step, rounding)` with the exact quotient, without the 24-place long division
 * (sizing an order on an amount grid, quote ÷ price, is the hot path of a paper fill and of the
 * synthetic book). For positive operands rounding down or up: the number of steps is guessed in
 * float64 and then corrected with exact multiplications until n·step·b ≤ a < (n+1)·step·b (down)
 * or (n−1)·step·b < a ≤ n·step·b (up), so the float only saves work and never decides the answer.
 * Otherwise the quotient is computed to the step's places (power-of-ten steps) or in full.
 * `b` must be non-zero.
 */
export function divOnGrid(a: Decimal, b: Decimal, step: Decimal, rounding: Rounding): Decimal {
  if (rounding !== 'nearest' && a.gte(ZERO) && b.gt(ZERO) && step.gt(ZERO)) {
    const guess = Math.floor(approx(a) / approx(b) / approx(step));
    if (Number.isSafeInteger(guess) && guess >= 0 && guess < 2 ** 52) {
      const unit = step.times(b);
      let n = new D(String(guess));
      let at = n.times(unit);
      // The guess is off by at most a step or two; each loop runs only to correct it.
      while (at.gt(a)) {
        n = n.minus(ONE);
        at = at.minus(unit);
      }
      while (at.plus(unit).lte(a)) {
        n = n.plus(ONE);
        at = at.plus(unit);
      }
      if (rounding === 'up' && at.lt(a)) n = n.plus(ONE);
      return n.times(step);
    }
  }
  const dp = powerOfTenPlaces(step);
  if (dp === null) return quantize(divide(a, b), step, rounding);
  // DP and RM are read from the constructor during the call; nothing can run in between (synchronous).
  const savedDp = D.DP;
  const savedRm = D.RM;
  D.DP = dp;
  D.RM = MODE[rounding];
  try {
    return new D(a).div(b);
  } finally {
    D.DP = savedDp;
    D.RM = savedRm;
  }
}

/**
 * `a.div(b)`, the same Decimal (DIVISION_DP places, half-even), through integer arithmetic: both
 * coefficients as BigInts, one integer division and its remainder for the rounding. big.js divides
 * digit by digit and parses nothing faster than text: ~2–8 µs for a quotient that does not end (an
 * average entry, a fill's average price). Only for the usual case — both non-zero, the quotient at
 * least 1e-(DP−1), the library's own rounding mode — and big.js's own `div` otherwise, so the
 * answer is always big.js's (decimal.spec.ts compares the two on random operands).
 */
export function divide(a: Decimal, b: Decimal): Decimal {
  const x = a as unknown as Coefficients;
  const y = b as unknown as Coefficients;
  const dp = D.DP;
  // Significant digits of the rounded quotient, as big.js counts them (its `p`): below 2 it rounds below a digit.
  if (!x.c[0] || !y.c[0] || dp + x.e - y.e + 1 < 2 || D.RM !== BigJs.roundHalfEven) return a.div(b);
  // a = ca × 10^(ea − la + 1), b likewise, so a / b × 10^dp = ca / cb × 10^k.
  const k = dp + x.e - x.c.length - (y.e - y.c.length);
  let n = coefficient(x.c);
  let d = coefficient(y.c);
  if (k >= 0) n *= pow10(k);
  else d *= pow10(-k);
  let q = n / d;
  const twice = (n - q * d) * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q += 1n;
  // q ≥ 1 (see the guard): its digits, trailing zeros dropped as big.js keeps them, are the result's.
  const text = q.toString();
  let len = text.length;
  while (text.charCodeAt(len - 1) === 48) len--;
  const digits = new Array<number>(len);
  for (let i = 0; i < len; i++) digits[i] = text.charCodeAt(i) - 48;
  const r = new D(ZERO) as unknown as Coefficients;
  r.c = digits;
  r.e = text.length - 1 - dp;
  r.s = x.s === y.s ? 1 : -1;
  return r as unknown as Decimal;
}

/** A big.js value's parts: coefficient digits (no leading zero), exponent of the first digit, sign. */
interface Coefficients {
  c: number[];
  e: number;
  s: number;
}

/** The coefficient digits as an integer, 15 digits (exact in a float) at a time. */
function coefficient(c: readonly number[]): bigint {
  let v = 0n;
  for (let i = 0; i < c.length;) {
    const end = Math.min(c.length, i + 15);
    let chunk = 0;
    for (let j = i; j < end; j++) chunk = chunk * 10 + c[j]!;
    v = i === 0 ? BigInt(chunk) : v * pow10(end - i) + BigInt(chunk);
    i = end;
  }
  return v;
}

const POW10: bigint[] = [];
function pow10(n: number): bigint {
  let p = POW10[n];
  if (p === undefined) POW10[n] = p = 10n ** BigInt(n);
  return p;
}

/** Decimal places of a power-of-ten step ("0.001" → 3, "1" → 0); null for any other step. */
export function powerOfTenPlaces(step: Decimal): number | null {
  let dp = placesOf.get(step);
  if (dp === undefined) {
    const s = step.toFixed();
    dp = s === '1' ? 0 : /^0\.0*1$/.test(s) ? s.length - 2 : null;
    placesOf.set(step, dp);
  }
  return dp;
}

// Steps are instrument constants: their answer is kept per object.
const placesOf = new WeakMap<Decimal, number | null>();

export const quantizeDown = (x: Decimal, step: Decimal): Decimal => quantize(x, step, 'down');
export const quantizeUp = (x: Decimal, step: Decimal): Decimal => quantize(x, step, 'up');
export const quantizeNearest = (x: Decimal, step: Decimal): Decimal => quantize(x, step, 'nearest');

/** Rounds to a number of decimal places ('down' by default): for display and fee rounding. */
export function roundDp(x: Decimal, dp: number, rounding: Rounding = 'down'): Decimal {
  return x.round(dp, MODE[rounding]);
}

const HUNDRED = new D('100');

/** A fraction as percent text for humans: percent(dec('0.0062')) → "0.62%" (half-even, `dp` places). */
export function percent(fraction: Decimal, dp = 2): string {
  return `${fraction.times(HUNDRED).round(dp, BigJs.roundHalfEven).toFixed(dp)}%`;
}

/** `x.gt(ZERO)` without the copy big.js makes of its argument on every comparison: the core asks it of the position on every candle. */
export function isPositive(x: Decimal): boolean {
  const b = x as unknown as Coefficients;
  return b.s > 0 && b.c[0] !== 0;
}

/** `x.lt(ZERO)`, likewise without the copy (the loss streak asks it of every trade it counts back). */
export function isNegative(x: Decimal): boolean {
  const b = x as unknown as Coefficients;
  return b.s < 0 && b.c[0] !== 0;
}

export const min = (a: Decimal, b: Decimal): Decimal => (a.lte(b) ? a : b);
export const max = (a: Decimal, b: Decimal): Decimal => (a.gte(b) ? a : b);

export function sum(xs: Iterable<Decimal>): Decimal {
  let acc = ZERO;
  for (const x of xs) acc = acc.plus(x);
  return acc;
}

/**
 * The only sanctioned way out of Decimal into a JS number: for indicators, metrics and charts,
 * never for amounts that are sent, stored or compared as money.
 */
export function approx(x: Decimal): number {
  // Up to 15 digits the coefficient is an exact float, and so is 10^k up to 22: one division (or
  // product) of exact operands is correctly rounded, which is what parsing the text gives too —
  // the same number, without writing and reading the text (decimal.spec.ts checks both ways).
  const b = x as unknown as Coefficients;
  const c = b.c;
  const n = c.length;
  if (n <= 15) {
    let m = 0;
    for (let i = 0; i < n; i++) m = m * 10 + c[i]!;
    if (m === 0) return 0;
    const k = n - 1 - b.e;
    if (b.s < 0) m = -m;
    if (k >= 0 && k <= 22) return m / POW10_FLOAT[k]!;
    if (k < 0 && k >= -22) return m * POW10_FLOAT[-k]!;
  }
  return Number(x.toFixed());
}

/** 10^0 … 10^22: the powers of ten a float holds exactly. */
const POW10_FLOAT: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
