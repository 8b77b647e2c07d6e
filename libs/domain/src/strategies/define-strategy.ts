import { FieldReader, type Validated } from '../config/validated';
import type { Strategy, StrategyDefinition } from './types';

/**
 * One parameter of a strategy: its type, its bounds (inclusive) and its default. The bounds are
 * the whole truth about what the strategy accepts: the check refuses anything outside them, and an
 * optimizer searches inside them (docs/strategies.md).
 */
export type ParamSpec =
  | { readonly type: 'integer'; readonly min: number; readonly max: number; readonly default: number; readonly description?: string }
  | { readonly type: 'number'; readonly min: number; readonly max: number; readonly default: number; readonly description?: string }
  | { readonly type: 'choice'; readonly options: readonly string[]; readonly default: string; readonly description?: string }
  | { readonly type: 'boolean'; readonly default: boolean; readonly description?: string };

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** The checked parameters a strategy is built from, typed from its specs. */
export type ParamsOf<S extends ParamSpecs> = {
  readonly [K in keyof S]: S[K] extends { type: 'choice'; options: readonly (infer O)[] } ? O : S[K] extends { type: 'boolean' } ? boolean : number;
};

/** What a strategy module writes: everything but the generated check and defaults. */
export interface StrategySpec<S extends ParamSpecs> {
  /** snake_case; the name STRATEGY and --strategy use (a plug-in file is found by it). */
  readonly name: string;
  /** One line for listings and reports. */
  readonly description?: string;
  readonly parameters: S;
  /**
   * Checks across parameters (e.g. fast < slow). Runs after the bounds, on the values read (one
   * outside its bounds is replaced by its minimum or default, so every problem is listed at once).
   * Return every problem found; [] when fine.
   */
  readonly check?: (p: ParamsOf<S>) => readonly string[];
  /** A fresh running strategy (one symbol's state) from checked parameters. Pure and cheap: it is called once per symbol. */
  readonly create: (p: ParamsOf<S>) => Strategy;
}

/** A definition made by `defineStrategy`: also carries its parameter specs, for optimizers and docs. */
export interface DefinedStrategy<P> extends StrategyDefinition<P> {
  readonly description: string;
  readonly parameters: ParamSpecs;
}

/**
 * The plug-in API (docs/strategies.md): a strategy module exports `defineStrategy({...})`. The
 * defaults and the check of the parameters (types, bounds, choices, then `check`, every problem
 * at once) are generated from `parameters`; the built-ins are defined the same way.
 */
export function defineStrategy<const S extends ParamSpecs>(spec: StrategySpec<S>): DefinedStrategy<ParamsOf<S>> {
  const problems = specProblems(spec);
  // A definition that cannot describe itself is the author's bug, found when the module loads.
  if (problems.length > 0) throw new TypeError(`defineStrategy(${JSON.stringify(spec.name)}): ${problems.join('; ')}`);
  const defaults = Object.fromEntries(Object.entries(spec.parameters).map(([k, p]) => [k, p.default])) as ParamsOf<S>;
  return {
    name: spec.name,
    description: spec.description ?? '',
    parameters: spec.parameters,
    defaults,
    validate: (input) => validateParams(spec, input),
    create: (p) => spec.create(p),
  };
}

function validateParams<S extends ParamSpecs>(spec: StrategySpec<S>, input: Record<string, unknown>): Validated<ParamsOf<S>> {
  const r = new FieldReader();
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(spec.parameters)) {
    const v = input[k];
    if (p.type === 'integer') out[k] = r.integer(k, v, p.min, p.max);
    else if (p.type === 'number') out[k] = r.number(k, v, p.min, p.max);
    else if (p.type === 'boolean') {
      r.check(typeof v === 'boolean', `${k}: must be true or false, got ${JSON.stringify(v) ?? 'nothing'}`);
      out[k] = v === true;
    } else {
      const ok = typeof v === 'string' && p.options.includes(v);
      r.check(ok, `${k}: must be ${choiceText(p.options)}, got ${JSON.stringify(v) ?? 'nothing'}`);
      out[k] = ok ? v : p.default;
    }
  }
  const value = out as ParamsOf<S>;
  if (spec.check) for (const p of spec.check(value)) r.check(false, p);
  return r.done(value);
}

function choiceText(options: readonly string[]): string {
  const q = options.map((o) => JSON.stringify(o));
  return q.length === 2 ? `${q[0]} or ${q[1]}` : `one of ${q.join(', ')}`;
}

/** The spec's own consistency: a name, bounds in order, defaults within them. */
function specProblems(spec: { readonly name: unknown; readonly create: unknown; readonly parameters: ParamSpecs }): string[] {
  const out: string[] = [];
  if (typeof spec.name !== 'string' || !/^[a-z][a-z0-9_-]*$/i.test(spec.name))
    out.push(`name: expected letters, digits, _ or -, got ${JSON.stringify(spec.name)}`);
  if (typeof spec.create !== 'function') out.push('create: expected a function (params) => Strategy');
  for (const [k, p] of Object.entries(spec.parameters ?? {})) {
    if (p.type === 'integer' || p.type === 'number') {
      const whole = p.type === 'integer' ? Number.isInteger : Number.isFinite;
      if (!whole(p.min) || !whole(p.max) || p.min > p.max)
        out.push(`${k}: bounds [${p.min}, ${p.max}] are not ${p.type === 'integer' ? 'integers' : 'numbers'} in order`);
      else if (!whole(p.default) || p.default < p.min || p.default > p.max) out.push(`${k}: default ${p.default} is outside [${p.min}, ${p.max}]`);
    } else if (p.type === 'choice') {
      if (!p.options.includes(p.default)) out.push(`${k}: default ${JSON.stringify(p.default)} is not one of its options`);
    } else if (p.type !== 'boolean') out.push(`${k}: unknown type ${JSON.stringify((p as { type: unknown }).type)}`);
  }
  return out;
}

/**
 * True for anything shaped like a StrategyDefinition (a plug-in module's export is checked with
 * it before it is used: a module may be anything).
 */
export function isStrategyDefinition(x: unknown): x is StrategyDefinition<object> {
  if (x === null || typeof x !== 'object') return false;
  const d = x as Record<string, unknown>;
  return (
    typeof d['name'] === 'string' &&
    d['defaults'] !== null &&
    typeof d['defaults'] === 'object' &&
    typeof d['validate'] === 'function' &&
    typeof d['create'] === 'function'
  );
}
