import type { Validated } from '../config/validated';
import { EMA_CROSS_RSI_DEFAULTS, EmaCrossRsi, validateEmaCrossRsi, type EmaCrossRsiParams } from './ema-cross-rsi';
import { MEAN_REVERSION_DEFAULTS, MeanReversion, validateMeanReversion, type MeanReversionParams } from './mean-reversion';
import type { Strategy } from './types';

/** Each built-in strategy's parameters, by name. */
export interface StrategyParams {
  ema_cross_rsi: EmaCrossRsiParams;
  mean_reversion: MeanReversionParams;
}
export type StrategyName = keyof StrategyParams;

interface Entry<P> {
  readonly defaults: P;
  validate(p: Record<string, unknown>): Validated<P>;
  create(p: P): Strategy;
}

const BUILT_INS: { readonly [K in StrategyName]: Entry<StrategyParams[K]> } = {
  ema_cross_rsi: { defaults: EMA_CROSS_RSI_DEFAULTS, validate: validateEmaCrossRsi, create: (p) => new EmaCrossRsi(p) },
  mean_reversion: { defaults: MEAN_REVERSION_DEFAULTS, validate: validateMeanReversion, create: (p) => new MeanReversion(p) },
};

export const STRATEGY_NAMES = Object.keys(BUILT_INS) as StrategyName[];

export function isStrategyName(name: string): name is StrategyName {
  return Object.prototype.hasOwnProperty.call(BUILT_INS, name);
}

export function strategyDefaults<K extends StrategyName>(name: K): StrategyParams[K] {
  return { ...BUILT_INS[name].defaults };
}

/**
 * A built-in strategy by name, with its parameters checked over the defaults. Unknown names and
 * unknown or invalid parameters come back as problems, all at once.
 */
export function createStrategy<K extends StrategyName>(name: K, params?: Partial<StrategyParams[K]>): Validated<Strategy>;
export function createStrategy(name: string, params?: Record<string, unknown>): Validated<Strategy>;
export function createStrategy(name: string, params: Record<string, unknown> = {}): Validated<Strategy> {
  if (!isStrategyName(name)) return { ok: false, problems: [`strategy: unknown name ${JSON.stringify(name)}; one of ${STRATEGY_NAMES.join(', ')}`] };
  const entry = BUILT_INS[name] as Entry<unknown>;
  const unknown = Object.keys(params).filter((k) => !(k in (entry.defaults as object)));
  const v = entry.validate({ ...(entry.defaults as object), ...params });
  const problems = [...unknown.map((k) => `${k}: not a parameter of ${name}`), ...(v.ok ? [] : v.problems)];
  if (problems.length > 0 || !v.ok) return { ok: false, problems };
  return { ok: true, value: entry.create(v.value) };
}
