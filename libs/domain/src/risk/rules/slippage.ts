import { ZERO, percent, roundDp, str } from '../../money/decimal';
import { slippagePct, walkBook } from '../../market/book-walk';
import { QUIET_PASS, type RiskRule, type RuleOutcome } from '../types';

/**
 * RISK_MAX_SLIPPAGE_PCT: walks the order book for the order's size and refuses an entry whose
 * average price would be more than the limit away from the best price. Without a book, or with a
 * book too thin for the size, the estimate is unknown and the entry fails closed.
 */
export const slippageRule: RiskRule = {
  code: 'RISK.SLIPPAGE',
  entryOnly: true,
  evaluate({ intent, state, config, verdictOnly }): RuleOutcome {
    const max = config.maxSlippagePct;
    if (max.eq(ZERO)) return { failure: null, limits: { 'slippage.maxPct': 'off' } };
    const book = state.orderBook;
    if (!book) return { failure: 'no order book to estimate slippage', limits: { 'slippage.maxPct': str(max), 'slippage.pct': 'unknown' }, limit: str(max) };
    const size = intent.quoteAmount !== undefined ? { quote: intent.quoteAmount } : { base: intent.baseAmount ?? ZERO };
    const fill = walkBook(book, intent.side, size);
    const s = slippagePct(fill, intent.side);
    if (s === null || !fill.complete) {
      return {
        failure: `visible book too thin for the order (fills ${str(fill.base)} base)`,
        limits: { 'slippage.maxPct': str(max), 'slippage.pct': 'unknown' },
        limit: str(max),
      };
    }
    if (verdictOnly && !s.gt(max)) return QUIET_PASS;
    // Measured values are rounded for the audit; the comparison uses the exact value.
    const limits = {
      'slippage.maxPct': str(max),
      'slippage.pct': str(roundDp(s, 10, 'nearest')),
      'slippage.avgPrice': str(roundDp(fill.avgPrice!, 10, 'nearest')),
    };
    if (s.gt(max))
      return { failure: `estimated slippage ${percent(s, 3)} > max ${percent(max, 3)}`, limits, limit: str(max), observed: limits['slippage.pct'] };
    return { failure: null, limits };
  },
};
