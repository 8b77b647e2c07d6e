import { ZERO, str } from '../../money/decimal';
import { QUIET_PASS, type RiskRule, type RuleOutcome } from '../types';

/** RISK_MAX_DRAWDOWN_QUOTE: entries stop once equity has fallen this far below its peak. */
export const maxDrawdownRule: RiskRule = {
  code: 'RISK.MAX_DRAWDOWN',
  entryOnly: true,
  evaluate({ state, config, verdictOnly }): RuleOutcome {
    const max = config.maxDrawdownQuote;
    if (max.eq(ZERO)) return { failure: null, limits: { 'drawdown.maxQuote': 'off' } };
    const dd = state.equityPeakQuote.minus(state.equityQuote);
    const drawdown = dd.gt(ZERO) ? dd : ZERO;
    if (verdictOnly && !drawdown.gte(max)) return QUIET_PASS;
    const limits = { 'drawdown.maxQuote': str(max), 'drawdown.quote': str(drawdown) };
    if (drawdown.gte(max)) return { failure: `equity drawdown ${str(drawdown)} >= max ${str(max)}`, limits, limit: str(max), observed: str(drawdown) };
    return { failure: null, limits };
  },
};
