import { ZERO, type Decimal } from '../money/decimal';
import type { PortfolioExposure, RiskState, TradeIntent } from './types';

/**
 * The portfolio the limits see: the state's, or — from a caller that trades one symbol and fills
 * none — this symbol's own position only (its base at the ask).
 */
export function portfolioOf(state: RiskState): PortfolioExposure {
  if (state.portfolio) return state.portfolio;
  const open = state.positionBase.gt(ZERO);
  return { openPositions: open ? 1 : 0, exposureQuote: open ? state.positionBase.times(state.ticker.ask) : ZERO, symbolOpen: open };
}

/** What an entry adds in quote: its quote amount, or its base at the ask. */
export function intentQuote(intent: TradeIntent, state: RiskState): Decimal {
  if (intent.quoteAmount !== undefined) return intent.quoteAmount;
  return (intent.baseAmount ?? ZERO).times(state.ticker.ask);
}
