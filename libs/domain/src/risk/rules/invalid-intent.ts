import { ZERO, str } from '../../money/decimal';
import { QUIET_PASS, type RiskRule, type RuleOutcome } from '../types';

/** The intent itself must make sense: one positive amount, the ticker's symbol, no reduce-only or protective buy. */
export const invalidIntentRule: RiskRule = {
  code: 'RISK.INVALID_INTENT',
  entryOnly: false,
  evaluate({ intent, state }): RuleOutcome {
    // No list unless something is wrong: the rule runs on every order, and it writes no limits, so a pass is QUIET_PASS.
    let problems: string[] | null = null;
    const { quoteAmount: q, baseAmount: b } = intent;
    if ((q === undefined) === (b === undefined)) (problems ??= []).push('give exactly one of quoteAmount and baseAmount');
    else if ((q ?? b)!.lte(ZERO)) (problems ??= []).push(`amount ${str((q ?? b)!)} must be > 0`);
    if (intent.side === 'buy' && intent.reduceOnly) (problems ??= []).push('a buy cannot be reduce-only in a long-only bot');
    // Protective orders pass even a halt: only a sell may claim that, or a halt would let a buy through.
    if (intent.side === 'buy' && intent.protective) (problems ??= []).push('a buy cannot be a protective exit');
    if (intent.symbol !== state.ticker.symbol) (problems ??= []).push(`ticker is for ${state.ticker.symbol}, intent for ${intent.symbol}`);
    return problems === null ? QUIET_PASS : { failure: problems.join('; '), limits: {} };
  },
};
