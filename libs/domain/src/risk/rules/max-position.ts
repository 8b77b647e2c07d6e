import { ZERO, str } from '../../money/decimal';
import { intentBase } from '../intent';
import { QUIET_PASS, type RiskRule, type RuleOutcome } from '../types';

/** RISK_MAX_POSITION_BASE (0 = off): an entry may not take the position above N base. */
export const maxPositionRule: RiskRule = {
  code: 'RISK.MAX_POSITION',
  entryOnly: true,
  evaluate({ intent, state, config, verdictOnly }): RuleOutcome {
    const max = config.maxPositionBase;
    if (max.eq(ZERO)) return { failure: null, limits: { 'position.maxBase': 'off' } };
    // Before fees: Gate's base fee makes the real position a little smaller, so this errs safe.
    const after = state.positionBase.plus(intentBase(intent, state.ticker));
    if (verdictOnly && !after.gt(max)) return QUIET_PASS;
    const limits = { 'position.maxBase': str(max), 'position.base': str(state.positionBase), 'position.afterBase': str(after) };
    if (after.gt(max)) return { failure: `position would be ${str(after)} > max ${str(max)} base`, limits, limit: str(max), observed: str(after) };
    return { failure: null, limits };
  },
};
