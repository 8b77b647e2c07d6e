import { ZERO, percent, roundDp, str } from '../../money/decimal';
import { spreadPct } from '../../market/types';
import { QUIET_PASS, type RiskRule, type RuleOutcome } from '../types';

/** RISK_MAX_SPREAD_PCT: no entry into a wide (or one-sided) market. */
export const spreadRule: RiskRule = {
  code: 'RISK.SPREAD',
  entryOnly: true,
  evaluate({ state, config, verdictOnly }): RuleOutcome {
    const max = config.maxSpreadPct;
    if (max.eq(ZERO)) return { failure: null, limits: { 'spread.maxPct': 'off' } };
    const { bid, ask } = state.ticker;
    if (bid.lte(ZERO) || ask.lte(ZERO) || ask.lt(bid)) {
      return { failure: `no usable quote (bid ${str(bid)}, ask ${str(ask)})`, limits: { 'spread.maxPct': str(max), 'spread.pct': 'unknown' }, limit: str(max) };
    }
    const s = spreadPct(state.ticker);
    if (verdictOnly && !s.gt(max)) return QUIET_PASS;
    const limits = { 'spread.maxPct': str(max), 'spread.pct': str(roundDp(s, 10, 'nearest')) };
    if (s.gt(max)) return { failure: `spread ${percent(s)} > max ${percent(max)}`, limits, limit: str(max), observed: limits['spread.pct'] };
    return { failure: null, limits };
  },
};
