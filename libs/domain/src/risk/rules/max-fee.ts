import { ZERO, percent, str } from '../../money/decimal';
import { QUIET_PASS, type RiskRule, type RuleOutcome } from '../types';

/** RISK_MAX_FEE_PCT: no entry when the taker fee rate exceeds the limit. */
export const maxFeeRule: RiskRule = {
  code: 'RISK.MAX_FEE',
  entryOnly: true,
  evaluate({ state, config, verdictOnly }): RuleOutcome {
    const max = config.maxFeePct;
    if (max.eq(ZERO)) return { failure: null, limits: { 'fee.maxPct': 'off' } };
    if (verdictOnly && !state.feeRate.gt(max)) return QUIET_PASS;
    const limits = { 'fee.maxPct': str(max), 'fee.pct': str(state.feeRate) };
    if (state.feeRate.gt(max)) return { failure: `fee ${percent(state.feeRate)} > max ${percent(max)}`, limits, limit: str(max), observed: str(state.feeRate) };
    return { failure: null, limits };
  },
};
