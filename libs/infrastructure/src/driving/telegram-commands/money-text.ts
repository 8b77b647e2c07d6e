import { dec, roundDp, ZERO, type Decimal } from '@cab/domain';

/**
 * Amounts for people: parsed from the decimal strings the stores and read models give and rounded
 * with big.js (`roundDp`), never through a JS number (README: money never passes through a float).
 * Half-even rounding, as everywhere in the domain.
 */

/** "1234567.891" → "1,234,567.891": thousands grouped in the integer part only. */
function grouped(fixed: string): string {
  const negative = fixed.startsWith('-');
  const [int = '0', frac] = (negative ? fixed.slice(1) : fixed).split('.');
  const body = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
  return negative ? `-${body}` : body;
}

/** A rounded value that came out as zero prints without a sign ("-0.00" tells nothing). */
function fixed(d: Decimal, dp: number): string {
  const r = roundDp(d, dp, 'nearest');
  return r.eq(ZERO) ? ZERO.toFixed(dp) : r.toFixed(dp);
}

/** A quote amount to the cent: "99.999" → "100.00". */
export function quoteText(amount: string): string {
  return grouped(fixed(dec(amount), 2));
}

/** A PnL to the cent with its sign: "+1.00", "-0.35", "0.00". */
export function signedQuoteText(amount: string): string {
  const text = quoteText(amount);
  return roundDp(dec(amount), 2, 'nearest').gt(ZERO) ? `+${text}` : text;
}

/**
 * A base amount, exact (trailing zeros dropped): a position net of a base fee has more places than
 * the grid (0.001999 − 0.000003998), and a person deciding on /forceexit should see what is held.
 */
export function baseText(amount: string): string {
  return grouped(dec(amount).toFixed());
}

/** A price: to the cent from 1 up, else 8 places with the trailing zeros dropped (a 0.00001234 coin stays readable). */
export function priceText(price: string): string {
  const d = dec(price);
  return d.abs().gte(dec('1')) ? grouped(fixed(d, 2)) : roundDp(d, 8, 'nearest').toFixed();
}

/** A fraction as a percentage for people: "0.5" → "50.0%". */
export function percentText(fraction: string): string {
  return `${fixed(dec(fraction).times(dec('100')), 1)}%`;
}
