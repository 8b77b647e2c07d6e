import { isStrategyName, STRATEGY_NAMES, strategyDefinition, type StrategyDefinition } from '@cab/domain';
import { OptimizeArgsError } from './optimize-errors';

/**
 * The one place `cab optimize` turns a strategy name into its definition (defaults and bounds
 * check). Today: the domain's built-in registry. When the strategy plug-in loader lands, swap this
 * call for it; nothing else here knows where strategies come from.
 */
export function lookUpStrategy(name: string): StrategyDefinition<object> {
  if (!isStrategyName(name)) throw new OptimizeArgsError(`--strategy: unknown name ${JSON.stringify(name)}; one of ${STRATEGY_NAMES.join(', ')}`);
  return strategyDefinition(name) as StrategyDefinition<object>;
}
