import type { Validated } from '../config/validated';
import { err } from '../result';
import { EMA_CROSS_RSI, type EmaCrossRsiParams } from './ema-cross-rsi';
import { MEAN_REVERSION, type MeanReversionParams } from './mean-reversion';
import type { StrategyDefinition, StrategyFactory } from './types';

/** Each built-in strategy's parameters, by name. */
export interface StrategyParams {
  ema_cross_rsi: EmaCrossRsiParams;
  mean_reversion: MeanReversionParams;
}
export type StrategyName = keyof StrategyParams;

const BUILT_INS: { readonly [K in StrategyName]: StrategyDefinition<StrategyParams[K]> } = {
  ema_cross_rsi: EMA_CROSS_RSI,
  mean_reversion: MEAN_REVERSION,
};

export const STRATEGY_NAMES = Object.keys(BUILT_INS) as StrategyName[];

export function isStrategyName(name: string): name is StrategyName {
  return Object.prototype.hasOwnProperty.call(BUILT_INS, name);
}

export function strategyDefaults<K extends StrategyName>(name: K): StrategyParams[K] {
  return { ...BUILT_INS[name].defaults };
}

/** The built-in definition of that name (for its defaults, its check, or to build one directly). */
export function strategyDefinition<K extends StrategyName>(name: K): StrategyDefinition<StrategyParams[K]> {
  return BUILT_INS[name];
}

/**
 * A factory of strategies, from a definition and parameters checked over its defaults. Unknown and
 * invalid parameters come back as problems, all at once. Works for any definition, built-in or yours.
 */
export function strategyFactory<P extends object>(def: StrategyDefinition<P>, params: Record<string, unknown> = {}): Validated<StrategyFactory> {
  const unknown = Object.keys(params).filter((k) => !(k in def.defaults));
  const v = def.validate({ ...def.defaults, ...params });
  const problems = [...unknown.map((k) => `${k}: not a parameter of ${def.name}`), ...(v.ok ? [] : v.error)];
  if (problems.length > 0 || !v.ok) return err(problems);
  const checked = v.value;
  // Built once to learn the warm-up (it depends on the parameters): a constructor is cheap and pure.
  const warmup = def.create(checked).warmup;
  const factory: StrategyFactory = {
    name: def.name,
    warmup,
    params: { ...checked } as Readonly<Record<string, unknown>>,
    ...(def.parameters ? { parameters: def.parameters } : {}),
    create: () => def.create(checked),
  };
  return { ok: true, value: factory };
}

/**
 * A built-in strategy by name, with its parameters checked over the defaults: a factory that makes
 * one running strategy per symbol. Unknown names and unknown or invalid parameters come back as
 * problems, all at once.
 */
export function createStrategy<K extends StrategyName>(name: K, params?: Partial<StrategyParams[K]>): Validated<StrategyFactory>;
export function createStrategy(name: string, params?: Record<string, unknown>): Validated<StrategyFactory>;
export function createStrategy(name: string, params: Record<string, unknown> = {}): Validated<StrategyFactory> {
  if (!isStrategyName(name)) return err([`strategy: unknown name ${JSON.stringify(name)}; one of ${STRATEGY_NAMES.join(', ')}`]);
  return strategyFactory(BUILT_INS[name] as StrategyDefinition<object>, params);
}
