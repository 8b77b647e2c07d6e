import { dec, isDecimalString, str, type Decimal, type DecimalInput } from '../money/decimal';
import { err, ok, type Result } from '../result';

/** A checked configuration, or every problem found (never just the first) in `error`. */
export type Validated<T> = Result<T, readonly string[]>;

/** Collects problems while reading fields; `done` returns the value only if nothing was wrong. */
export class FieldReader {
  readonly problems: string[] = [];

  /** A decimal (string or Decimal) within [min, max]; `max` exclusive when `maxExclusive`. */
  decimal(name: string, v: unknown, range: { min?: string; max?: string; maxExclusive?: boolean } = {}): Decimal {
    const d = toDecimal(v);
    if (d === null) {
      this.problems.push(`${name}: must be a decimal number as text (e.g. "0.005"), got ${show(v)}`);
      return dec('0');
    }
    if (range.min !== undefined && d.lt(dec(range.min))) this.problems.push(`${name}: must be >= ${range.min}, got ${str(d)}`);
    if (range.max !== undefined && (range.maxExclusive ? d.gte(dec(range.max)) : d.gt(dec(range.max)))) {
      this.problems.push(`${name}: must be ${range.maxExclusive ? '<' : '<='} ${range.max}, got ${str(d)}`);
    }
    return d;
  }

  /** A whole number within [min, max]. */
  integer(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.problems.push(`${name}: must be an integer in [${min}, ${max}], got ${show(v)}`);
      return min;
    }
    return v;
  }

  /** A finite number within [min, max] (for indicator thresholds, which are float64). */
  number(name: string, v: unknown, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      this.problems.push(`${name}: must be a number in [${min}, ${max}], got ${show(v)}`);
      return min;
    }
    return v;
  }

  check(condition: boolean, problem: string): void {
    if (!condition) this.problems.push(problem);
  }

  done<T>(value: T): Validated<T> {
    return this.problems.length === 0 ? ok(value) : err([...this.problems]);
  }
}

function toDecimal(v: unknown): Decimal | null {
  if (typeof v === 'string') return isDecimalString(v) ? dec(v) : null;
  if (v === null || typeof v !== 'object') return null;
  try {
    return dec(v as DecimalInput); // a Decimal (any big.js instance); anything else throws
  } catch {
    return null;
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  if (typeof v === 'object' && v !== null && 'toFixed' in v) return String((v as { toFixed(): string }).toFixed());
  return String(v);
}
