import { ZERO } from '../../money/decimal';
import type { RiskRule, RuleOutcome } from '../types';

/**
 * RISK_LOSS_STREAK_MAX / RISK_LOSS_STREAK_PAUSE_SEC: after N losing trades in a row, entries
 * pause until N seconds after the last of them. A trade at exactly 0 ends the streak.
 */
export const lossStreakRule: RiskRule = {
  code: 'RISK.LOSS_STREAK',
  entryOnly: true,
  evaluate({ intent, state, config }): RuleOutcome {
    const max = config.lossStreakMax;
    if (max === 0) return { failure: null, limits: { 'lossStreak.max': 'off' } };
    const newestFirst = [...state.recentTrades].filter((t) => t.closedTs <= intent.ts).sort((a, b) => b.closedTs - a.closedTs);
    let streak = 0;
    for (const t of newestFirst) {
      if (!t.pnlQuote.lt(ZERO)) break;
      streak++;
    }
    const limits = { 'lossStreak.max': String(max), 'lossStreak.count': String(streak), 'lossStreak.pauseSec': String(config.lossStreakPauseSec) };
    if (streak < max) return { failure: null, limits };
    const resumeTs = newestFirst[0]!.closedTs + config.lossStreakPauseSec * 1000;
    if (intent.ts >= resumeTs) return { failure: null, limits };
    const leftSec = Math.ceil((resumeTs - intent.ts) / 1000);
    return { failure: `${streak} losing trades in a row >= max ${max}: entries paused for another ${leftSec}s`, limits };
  },
};
