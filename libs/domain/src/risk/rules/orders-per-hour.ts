import { MS } from '../../time/clock';
import { QUIET_PASS, type RiskRule, type RuleOutcome } from '../types';

/** RISK_MAX_ORDERS_PER_HOUR: at most N orders in any rolling hour before entries stop. */
export const ordersPerHourRule: RiskRule = {
  code: 'RISK.ORDERS_PER_HOUR',
  entryOnly: true,
  evaluate({ intent, state, config, verdictOnly }): RuleOutcome {
    const max = config.maxOrdersPerHour;
    if (max === 0) return { failure: null, limits: { 'ordersPerHour.max': 'off' } };
    const since = intent.ts - MS.hour;
    let n = 0;
    for (const t of state.recentOrderTs) if (t > since && t <= intent.ts) n++;
    if (verdictOnly && n < max) return QUIET_PASS;
    const limits = { 'ordersPerHour.max': String(max), 'ordersPerHour.count': String(n) };
    if (n >= max) return { failure: `${n} orders in the last hour >= max ${max}`, limits, limit: String(max), observed: String(n) };
    return { failure: null, limits };
  },
};
