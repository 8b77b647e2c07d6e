import { portfolioOf } from '../portfolio';
import type { RiskRule, RuleOutcome } from '../types';

/**
 * RISK_MAX_OPEN_POSITIONS (0 = off): an entry that would open a position on one more symbol than
 * the limit is refused; adding to a symbol already open opens none.
 */
export const maxOpenPositionsRule: RiskRule = {
  code: 'RISK.MAX_OPEN_POSITIONS',
  entryOnly: true,
  evaluate({ state, config }): RuleOutcome {
    const max = config.maxOpenPositions;
    if (max === 0) return { failure: null, limits: { 'positions.maxOpen': 'off' } };
    const p = portfolioOf(state);
    const after = p.symbolOpen ? p.openPositions : p.openPositions + 1;
    const limits = { 'positions.maxOpen': String(max), 'positions.open': String(p.openPositions) };
    if (after > max) return { failure: `${p.openPositions} positions open, max ${max}`, limits, limit: String(max), observed: String(after) };
    return { failure: null, limits };
  },
};
