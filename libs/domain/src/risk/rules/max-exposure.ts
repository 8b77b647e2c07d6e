import { ZERO, str } from '../../money/decimal';
import { intentQuote, portfolioOf } from '../portfolio';
import { QUIET_PASS, type RiskRule, type RuleOutcome } from '../types';

/**
 * RISK_MAX_TOTAL_EXPOSURE_QUOTE (0 = off): the quote in open positions across all symbols (at
 * their average entry) plus this entry may not exceed the limit. Per symbol, RISK_MAX_POSITION_BASE
 * still applies.
 */
export const maxExposureRule: RiskRule = {
  code: 'RISK.MAX_EXPOSURE',
  entryOnly: true,
  evaluate({ intent, state, config, verdictOnly }): RuleOutcome {
    const max = config.maxTotalExposureQuote;
    if (max.eq(ZERO)) return { failure: null, limits: { 'exposure.maxQuote': 'off' } };
    const p = portfolioOf(state);
    const after = p.exposureQuote.plus(intentQuote(intent, state));
    if (verdictOnly && !after.gt(max)) return QUIET_PASS;
    const limits = { 'exposure.maxQuote': str(max), 'exposure.quote': str(p.exposureQuote), 'exposure.afterQuote': str(after) };
    if (after.gt(max)) return { failure: `exposure would be ${str(after)} > max ${str(max)} quote`, limits, limit: str(max), observed: str(after) };
    return { failure: null, limits };
  },
};
