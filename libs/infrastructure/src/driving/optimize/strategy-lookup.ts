import type { StrategyDefinition } from '@cab/domain';
import { loadStrategyDefinition } from '../../driven/strategies/load-strategy';
import { OptimizeArgsError } from './optimize-errors';

/**
 * The one place `cab optimize` turns a strategy name into its definition (defaults and bounds
 * check): a built-in, a plug-in in `strategyPath` (STRATEGY_PATH / --strategy-path) or an npm
 * package, exactly as backtests, paper and live find it (strategies/load-strategy.ts).
 */
export function lookUpStrategy(name: string, strategyPath?: string): StrategyDefinition<object> {
  const loaded = loadStrategyDefinition(name, strategyPath !== undefined ? { strategyPath } : {});
  if (!loaded.ok) throw new OptimizeArgsError(`--strategy: ${loaded.error}`);
  return loaded.value.definition;
}
