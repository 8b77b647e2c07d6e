import * as fs from 'node:fs';
import type { StrategyDefinition } from '@cab/domain';
import { OptimizeArgsError } from './optimize-errors';
import { seededRandom } from '../../driven/random/seeded-random';

export type ParamValue = number | string | boolean;
export type ParamSet = Record<string, ParamValue>;

/** One parameter's range, as `--space` gives it: `{min, max, step}` or `{choices: […]}`. */
export type ParamRange = { min: number; max: number; step: number } | { choices: ParamValue[] };

/** The searched parameters in a stable (alphabetical) order, each with every value it may take. */
export interface SearchSpace {
  readonly names: readonly string[];
  readonly values: readonly (readonly ParamValue[])[];
  /** How many parameter sets the grid has (the product of the value counts). */
  readonly size: number;
}

/** The largest grid `--method grid` runs: past it, sample with `--method random --trials N`. */
export const MAX_GRID = 100_000;

/** `--space` as given: JSON text, or `@file.json` naming a file that holds it. */
export function readSpaceArgument(arg: string): unknown {
  let text = arg;
  if (arg.startsWith('@')) {
    try {
      text = fs.readFileSync(arg.slice(1), 'utf8');
    } catch (e) {
      throw new OptimizeArgsError(`--space: cannot read ${arg.slice(1)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new OptimizeArgsError(`--space: not valid JSON${arg.startsWith('@') ? ` in ${arg.slice(1)}` : ''}: ${text.slice(0, 200)}`);
  }
}

/** Decimal places of a step, so 0.1 + 0.2 lands on 0.3 and not 0.30000000000000004. */
function decimals(x: number): number {
  const s = String(x);
  const e = /e-(\d+)$/.exec(s);
  if (e) return Number(e[1]);
  const dot = s.indexOf('.');
  return dot === -1 ? 0 : s.length - dot - 1;
}

function rangeValues(r: { min: number; max: number; step: number }): number[] {
  const dp = Math.max(decimals(r.min), decimals(r.step));
  const n = Math.floor((r.max - r.min) / r.step + 1e-9) + 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((r.min + i * r.step).toFixed(dp)));
  return out;
}

const isValue = (v: unknown): v is ParamValue => typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/**
 * Checks `--space` against the strategy and lists every problem at once: not an object, an unknown
 * parameter, a range that is not `{min,max,step}` or `{choices}`, and bounds or choices the
 * strategy itself refuses (each value is put through the strategy's own check with the other
 * parameters at `base`, and only that parameter's complaints count: a cross-rule such as
 * fastPeriod < slowPeriod is left to each parameter set, which is skipped when it breaks one).
 */
export function parseSearchSpace(raw: unknown, def: StrategyDefinition<object>, base: Record<string, unknown>): SearchSpace {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new OptimizeArgsError('--space: expected a JSON object such as {"fastPeriod":{"min":5,"max":15,"step":1},"rsiBuyMax":{"choices":[60,70]}}');
  const problems: string[] = [];
  const names = Object.keys(raw).sort();
  if (names.length === 0) problems.push('--space: name at least one parameter to search');
  const known = Object.keys(def.defaults);
  const values: ParamValue[][] = [];
  for (const name of names) {
    const spec = (raw as Record<string, unknown>)[name];
    if (!known.includes(name)) {
      problems.push(`--space: ${name}: not a parameter of ${def.name} (its parameters: ${known.join(', ')})`);
      continue;
    }
    const vs = specValues(name, spec, problems);
    if (vs === null) continue;
    const refused = vs.flatMap((v) => {
      const check = def.validate({ ...def.defaults, ...base, [name]: v });
      return check.ok ? [] : check.error.filter((e) => e.startsWith(`${name}:`));
    });
    if (refused.length > 0)
      problems.push(
        `--space: outside ${def.name}'s bounds: ${refused[0]}${refused.length > 1 ? ` (and ${refused.length - 1} more of its ${vs.length} values)` : ''}`,
      );
    values.push(vs);
  }
  if (problems.length > 0) throw new OptimizeArgsError(problems.join('\n'));
  return { names, values, size: values.reduce((n, v) => n * v.length, 1) };
}

function specValues(name: string, spec: unknown, problems: string[]): ParamValue[] | null {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    problems.push(`--space: ${name}: expected {"min":…,"max":…,"step":…} or {"choices":[…]}, got ${JSON.stringify(spec)}`);
    return null;
  }
  const s = spec as Record<string, unknown>;
  const keys = Object.keys(s).sort().join(',');
  if (keys === 'choices') {
    const c = s['choices'];
    if (!Array.isArray(c) || c.length === 0 || !c.every(isValue)) {
      problems.push(`--space: ${name}: choices must be a non-empty array of numbers, strings or booleans`);
      return null;
    }
    return [...new Set(c)];
  }
  if (keys !== 'max,min,step') {
    problems.push(`--space: ${name}: expected exactly {"min","max","step"} or {"choices"}, got keys ${keys || '(none)'}`);
    return null;
  }
  const { min, max, step } = s as { min: unknown; max: unknown; step: unknown };
  if (![min, max, step].every((v) => typeof v === 'number' && Number.isFinite(v))) {
    problems.push(`--space: ${name}: min, max and step must be numbers`);
    return null;
  }
  const r = { min: min as number, max: max as number, step: step as number };
  if (!(r.step > 0) || r.min > r.max) {
    problems.push(`--space: ${name}: needs min ≤ max and step > 0, got min ${r.min}, max ${r.max}, step ${r.step}`);
    return null;
  }
  return rangeValues(r);
}

/** Every parameter set of the grid, in a fixed order (the first name varies slowest). */
export function gridCandidates(space: SearchSpace): ParamSet[] {
  if (space.size > MAX_GRID)
    throw new OptimizeArgsError(`--space: the grid has ${space.size} parameter sets (more than ${MAX_GRID}); use --method random --trials N`);
  let out: ParamSet[] = [{}];
  space.names.forEach((name, i) => {
    const vs = space.values[i] as readonly ParamValue[];
    out = out.flatMap((p) => vs.map((v) => ({ ...p, [name]: v })));
  });
  return out;
}

/**
 * `trials` distinct parameter sets drawn from the grid's values with a seeded generator: the same
 * seed draws the same sets in the same order. Fewer when the grid itself is smaller.
 */
export function randomCandidates(space: SearchSpace, trials: number, seed: number): ParamSet[] {
  const rnd = seededRandom(seed);
  const want = Math.min(trials, space.size);
  const seen = new Set<string>();
  const out: ParamSet[] = [];
  // Duplicates are drawn again; the cap stops a pathological run (want ≤ size guarantees progress in practice).
  for (let tries = 0; out.length < want && tries < want * 1000; tries++) {
    const p: ParamSet = {};
    space.names.forEach((name, i) => {
      const vs = space.values[i] as readonly ParamValue[];
      p[name] = vs[Math.floor(rnd() * vs.length)] as ParamValue;
    });
    const key = JSON.stringify(p);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}
