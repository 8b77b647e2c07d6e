import { ZERO, str } from '../../money/decimal';
import { utcDayStart } from '../../time/clock';
import { QUIET_PASS, type RiskRule, type RuleOutcome } from '../types';

/** RISK_DAILY_LOSS_LIMIT_QUOTE: entries stop for the UTC day once realized PnL − fees ≤ −limit. */
export const dailyLossRule: RiskRule = {
  code: 'RISK.DAILY_LOSS',
  entryOnly: true,
  evaluate({ intent, state, config, verdictOnly }): RuleOutcome {
    const limit = config.dailyLossLimitQuote;
    if (limit.eq(ZERO)) return { failure: null, limits: { 'dailyLoss.limitQuote': 'off' } };
    const d = state.daily;
    // Figures from another UTC day say nothing about today: a new day starts at 0.
    const net = d.dayStart === utcDayStart(intent.ts) ? d.realizedQuote.minus(d.feesQuote) : ZERO;
    const loss = net.lt(ZERO) ? net.neg() : ZERO;
    if (verdictOnly && !loss.gte(limit)) return QUIET_PASS;
    const limits = { 'dailyLoss.limitQuote': str(limit), 'dailyLoss.netQuote': str(net) };
    if (loss.gte(limit)) return { failure: `today's net realized loss ${str(loss)} >= limit ${str(limit)}`, limits, limit: str(limit), observed: str(loss) };
    return { failure: null, limits };
  },
};
