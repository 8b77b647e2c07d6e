import { dec, isDecimalString, str } from '@cab/domain';

export type Env = Readonly<Record<string, string | undefined>>;

interface Range {
  min?: number;
  max?: number;
  /** Strictly greater than. */
  gt?: number;
}

function describeRange(r: Range): string {
  if (r.gt !== undefined && r.max !== undefined) return `a number greater than ${r.gt} and at most ${r.max}`;
  if (r.gt !== undefined) return `a number greater than ${r.gt}`;
  if (r.min !== undefined && r.max !== undefined) return `a number between ${r.min} and ${r.max}`;
  if (r.min !== undefined) return `a number of at least ${r.min}`;
  if (r.max !== undefined) return `a number of at most ${r.max}`;
  return 'a number';
}

/**
 * Reads typed values out of an environment and collects every problem instead of stopping at
 * the first. Each reader returns the default (or a harmless placeholder) on error, so one pass
 * sees every variable; the caller throws SettingsError when `problems` is not empty.
 */
export class EnvReader {
  readonly problems: string[] = [];
  /** Every variable name asked for: what is left in the environment with our prefixes is a typo. */
  readonly known = new Set<string>();

  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or blank (blank means "use the default"). */
  raw(name: string): string | undefined {
    this.known.add(name);
    const v = this.env[name];
    if (v === undefined) return undefined;
    const t = v.trim();
    return t === '' ? undefined : t;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** Names present in the environment that start with one of `prefixes`. */
  present(prefixes: readonly string[]): string[] {
    return Object.keys(this.env).filter((k) => prefixes.some((p) => k.startsWith(p)));
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  string(name: string, def: string): string {
    return this.raw(name) ?? def;
  }

  optionalString(name: string): string | null {
    return this.raw(name) ?? null;
  }

  oneOf<T extends string>(name: string, values: readonly T[], def: T, opts: { caseInsensitive?: boolean } = {}): T {
    const v = this.raw(name);
    if (v === undefined) return def;
    const found = values.find((x) => (opts.caseInsensitive ? x.toLowerCase() === v.toLowerCase() : x === v));
    if (found === undefined) {
      this.problem(`${name}: expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
      return def;
    }
    return found;
  }

  int(name: string, def: number, range: Range = {}): number {
    const v = this.raw(name);
    if (v === undefined) return def;
    const n = /^[-+]?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || !inRange(n, range)) {
      this.problem(`${name}: expected ${describeRange(range).replace('a number', 'an integer')}, got ${JSON.stringify(v)}`);
      return def;
    }
    return n;
  }

  /** A plain number (durations, speeds): not for money. */
  number(name: string, def: number, range: Range = {}): number {
    const v = this.raw(name);
    if (v === undefined) return def;
    const n = isDecimalString(v) ? Number(v) : NaN;
    if (!Number.isFinite(n) || !inRange(n, range)) {
      this.problem(`${name}: expected ${describeRange(range)}, got ${JSON.stringify(v)}`);
      return def;
    }
    return n;
  }

  /** A decimal kept as normalized text (money, fractions of money): exact, never a float. */
  decimal(name: string, def: string, range: Range = {}): string {
    const v = this.raw(name);
    if (v === undefined) return def;
    if (!isDecimalString(v) || !decInRange(v, range)) {
      this.problem(`${name}: expected ${describeRange(range)}, got ${JSON.stringify(v)}`);
      return def;
    }
    return str(dec(v));
  }

  bool(name: string, def: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return def;
    const t = v.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(t)) return true;
    if (['0', 'false', 'no', 'off'].includes(t)) return false;
    this.problem(`${name}: expected true or false, got ${JSON.stringify(v)}`);
    return def;
  }

  url(name: string): string | null {
    const v = this.raw(name);
    if (v === undefined) return null;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return v.replace(/\/+$/, '');
    } catch {
      this.problem(`${name}: expected an http(s) URL, got ${JSON.stringify(v)}`);
      return null;
    }
  }

  list(name: string, def: readonly string[]): string[] {
    const v = this.raw(name);
    if (v === undefined) return [...def];
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
}

function inRange(n: number, r: Range): boolean {
  if (r.gt !== undefined && !(n > r.gt)) return false;
  if (r.min !== undefined && n < r.min) return false;
  if (r.max !== undefined && n > r.max) return false;
  return true;
}

function decInRange(v: string, r: Range): boolean {
  const d = dec(v);
  if (r.gt !== undefined && !d.gt(dec(String(r.gt)))) return false;
  if (r.min !== undefined && d.lt(dec(String(r.min)))) return false;
  if (r.max !== undefined && d.gt(dec(String(r.max)))) return false;
  return true;
}
