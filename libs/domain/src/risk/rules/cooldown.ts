import type { RiskRule, RuleOutcome } from '../types';

/** RISK_COOLDOWN_SEC: no entry on a symbol within N seconds of its last trade. */
export const cooldownRule: RiskRule = {
  code: 'RISK.COOLDOWN',
  entryOnly: true,
  evaluate({ intent, state, config }): RuleOutcome {
    const limitSec = config.cooldownSec;
    if (limitSec === 0) return { failure: null, limits: { 'cooldown.sec': 'off' } };
    const last = state.lastTradeTs[intent.symbol];
    if (last === undefined) return { failure: null, limits: { 'cooldown.sec': String(limitSec), 'cooldown.sinceLastSec': 'never' } };
    const sinceSec = Math.floor((intent.ts - last) / 1000);
    const limits = { 'cooldown.sec': String(limitSec), 'cooldown.sinceLastSec': String(sinceSec) };
    if (intent.ts - last < limitSec * 1000)
      return {
        failure: `last trade on ${intent.symbol} ${sinceSec}s ago < cooldown ${limitSec}s`,
        limits,
        limit: String(limitSec),
        observed: String(sinceSec),
      };
    return { failure: null, limits };
  },
};
