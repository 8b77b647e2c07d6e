import type { RiskRule, RuleOutcome } from '../types';
import { isEntry } from '../intent';

/** active: all; reducing: exits only; halted: protective exits only. Applies to every order. */
export const tradingStateRule: RiskRule = {
  code: 'RISK.TRADING_STATE',
  entryOnly: false,
  evaluate({ intent, state }): RuleOutcome {
    const limits = { 'tradingState.value': state.tradingState };
    if (state.tradingState === 'halted' && !intent.protective) return { failure: 'trading is halted: only protective exits may trade', limits };
    if (state.tradingState === 'reducing' && isEntry(intent)) return { failure: 'trading is reducing: no new entries', limits };
    return { failure: null, limits };
  },
};
