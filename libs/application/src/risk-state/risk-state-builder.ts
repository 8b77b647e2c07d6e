import { ZERO, type Decimal, type Instrument, type OrderBook, type PortfolioExposure, type RiskState, type TradingState } from '@cab/domain';
import type { BalanceDTO, TickerDTO } from '../ports/broker';
import type { RiskLedger } from './risk-ledger';

export interface RiskInputs {
  tradingState: TradingState;
  ticker: TickerDTO;
  orderBook: OrderBook | null;
  instrument: Instrument;
  positionBase: Decimal;
  balance: BalanceDTO | null;
  now: number;
  /** Open positions across every symbol traded, for RISK_MAX_OPEN_POSITIONS / RISK_MAX_TOTAL_EXPOSURE_QUOTE (see portfolioExposure). */
  portfolio?: PortfolioExposure;
}

/** The portfolio limits' view of the positions held: those open (a round trip under way), at their average entry. */
export function portfolioExposure(
  positions: Iterable<{ symbol: string; baseQty: Decimal; avgEntry: Decimal; openedAt: number | null }>,
  symbol: string,
): PortfolioExposure {
  let openPositions = 0;
  let exposureQuote = ZERO;
  let symbolOpen = false;
  for (const p of positions) {
    if (p.openedAt === null || !p.baseQty.gt(ZERO)) continue;
    openPositions++;
    exposureQuote = exposureQuote.plus(p.baseQty.times(p.avgEntry));
    if (p.symbol === symbol) symbolOpen = true;
  }
  return { openPositions, exposureQuote, symbolOpen };
}

/**
 * The domain's RiskState from what the pipeline just read (ticker, book, balance, position) and the
 * ledger's memory. Pure apart from the ledger's equity peak, which it updates.
 */
export function buildRiskState(ledger: RiskLedger, i: RiskInputs): RiskState {
  const snap = ledger.snapshot(i.now);
  // Equity in quote: free + used quote plus the base held at the bid (what a sale would fetch).
  const equity = i.balance ? i.balance.freeQuote.plus(i.balance.usedQuote).plus(i.balance.freeBase.plus(i.balance.usedBase).times(i.ticker.bid)) : ZERO;
  const peak = i.balance ? ledger.equity(equity) : equity;
  return {
    tradingState: i.tradingState,
    ticker: { symbol: i.ticker.symbol, bid: i.ticker.bid, ask: i.ticker.ask, last: i.ticker.last, ts: i.ticker.ts },
    orderBook: i.orderBook,
    feeRate: i.instrument.takerFee,
    positionBase: i.positionBase,
    lastTradeTs: snap.lastTradeTs,
    recentOrderTs: snap.recentOrderTs,
    daily: snap.daily,
    recentTrades: snap.recentTrades,
    equityPeakQuote: peak,
    equityQuote: equity,
    ...(i.portfolio ? { portfolio: i.portfolio } : {}),
  };
}
