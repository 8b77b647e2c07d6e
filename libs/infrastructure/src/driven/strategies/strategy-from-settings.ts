import type { Result, StrategyFactory } from '@cab/domain';
import type { Settings } from '../../settings';
import { loadStrategy } from './load-strategy';

/** STRATEGY, STRATEGY_PARAMS and STRATEGY_PATH as the bot trades them (paper, live, smoke, backtest by default). */
export function strategyFromSettings(
  strategy: Settings['strategy'],
  overrides: { name?: string; params?: Record<string, unknown>; path?: string } = {},
): Result<StrategyFactory, readonly string[]> {
  const name = overrides.name ?? strategy.name;
  const strategyPath = overrides.path ?? strategy.path ?? undefined;
  return loadStrategy(name, { params: overrides.params ?? { ...strategy.params }, ...(strategyPath !== undefined ? { strategyPath } : {}) });
}
