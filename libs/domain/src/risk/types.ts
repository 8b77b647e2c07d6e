import type { Decimal } from '../money/decimal';
import type { OrderBook, Side, Ticker } from '../market/types';
import type { DailyPnl } from '../pnl/daily';
import type { RiskConfig } from './config';

/**
 * - active: everything may trade.
 * - reducing: no entries; exits (sells, reduce-only) go through.
 * - halted: only protective exits (stop, trailing stop) go through.
 */
export type TradingState = 'active' | 'reducing' | 'halted';

/** What the strategy (or the exits loop) wants to do, before it becomes an order. */
export interface TradeIntent {
  readonly symbol: string;
  readonly side: Side;
  /** Exactly one of quoteAmount (a market buy by cost) and baseAmount. */
  readonly quoteAmount?: Decimal;
  readonly baseAmount?: Decimal;
  /** Reduces or closes the position; never opens or grows it. */
  readonly reduceOnly?: boolean;
  /** Sent by the protective exits loop (stop, trailing stop, take-profit). */
  readonly protective?: boolean;
  readonly ts: number;
}

/** A closed trade as the loss streak sees it. */
export interface ClosedTrade {
  readonly closedTs: number;
  readonly pnlQuote: Decimal;
}

/** A snapshot the application fills from its stores and the market before each check. */
export interface RiskState {
  readonly tradingState: TradingState;
  readonly ticker: Ticker;
  /** Needed to estimate slippage; without it entries fail closed when a slippage limit is set. */
  readonly orderBook?: OrderBook | null;
  /** Taker fee rate of the instrument (market orders), e.g. 0.002. */
  readonly feeRate: Decimal;
  /** Base held on this symbol. */
  readonly positionBase: Decimal;
  /** Time of the last trade per symbol, epoch ms. */
  readonly lastTradeTs: Readonly<Record<string, number>>;
  /** Times of the orders placed recently (at least the last hour; older ones are ignored). */
  readonly recentOrderTs: readonly number[];
  /** Today's (UTC) realized PnL and fees (see `dailyPnl`). A figure from another day counts as 0. */
  readonly daily: Pick<DailyPnl, 'dayStart' | 'realizedQuote' | 'feesQuote'>;
  /** Recently closed trades, any order; the loss streak counts back from the newest. */
  readonly recentTrades: readonly ClosedTrade[];
  readonly equityPeakQuote: Decimal;
  readonly equityQuote: Decimal;
  /**
   * Every symbol's open position (this one's included), for the portfolio limits. Omitted by a
   * caller that trades one symbol: then only this symbol's position counts (positionBase at the ask).
   */
  readonly portfolio?: PortfolioExposure;
}

/** Open positions across all symbols. */
export interface PortfolioExposure {
  /** Symbols with an open position. */
  readonly openPositions: number;
  /** Their cost in quote: base held × average entry, summed. */
  readonly exposureQuote: Decimal;
  /** Whether the intent's symbol is one of them (an entry on it opens no new position). */
  readonly symbolOpen: boolean;
}

/** Stable codes of risk denials: the audit, the metrics and the dashboard key on them. */
export type RiskCode =
  | 'RISK.INVALID_INTENT'
  | 'RISK.TRADING_STATE'
  | 'RISK.COOLDOWN'
  | 'RISK.SPREAD'
  | 'RISK.MAX_POSITION'
  | 'RISK.ORDERS_PER_HOUR'
  | 'RISK.DAILY_LOSS'
  | 'RISK.MAX_FEE'
  | 'RISK.SLIPPAGE'
  | 'RISK.LOSS_STREAK'
  | 'RISK.MAX_DRAWDOWN'
  | 'RISK.MAX_OPEN_POSITIONS'
  | 'RISK.MAX_EXPOSURE';

export interface RiskContext {
  readonly intent: TradeIntent;
  readonly state: RiskState;
  readonly config: RiskConfig;
  /**
   * Set when the caller reads only whether `failure` is null (RiskManager.verdict): a passing rule
   * may then answer QUIET_PASS, without writing its limits' texts. Its decision must not change.
   */
  readonly verdictOnly?: boolean;
}

/** A pass with no limits written: what a rule may answer when `verdictOnly` is set. */
export const QUIET_PASS: RuleOutcome = Object.freeze({ failure: null, limits: Object.freeze({}) });

export interface RuleOutcome {
  /** Human text of the failure, without the code; null when the rule passes. */
  readonly failure: string | null;
  /** Configured limits and measured values, as strings, under keys unique to the rule. */
  readonly limits: Readonly<Record<string, string>>;
  /**
   * On a failure, the threshold the rule compared against and the value it observed, as decimal
   * strings in the rule's unit (seconds, quote, base, a count, a fraction for `…Pct`): what the
   * decision log shows for "why didn't it buy?". Absent when the rule has no number to compare
   * (a halted state, an invalid intent) or could not measure one (no book: the observed value).
   */
  readonly limit?: string;
  readonly observed?: string;
}

/** One rule per file under ./rules. */
export interface RiskRule {
  readonly code: RiskCode;
  /** Entry-only rules never block an order that reduces or closes a position. */
  readonly entryOnly: boolean;
  evaluate(ctx: RiskContext): RuleOutcome;
}

/** RiskManager.verdict's answer: `check`'s `ok`, and which of the watched rules fail. */
export interface RiskVerdict {
  readonly ok: boolean;
  readonly failing: readonly RiskCode[];
}

export interface RiskViolation {
  readonly code: RiskCode;
  readonly message: string;
  /** The rule's threshold and the value it observed, decimal strings (RuleOutcome); absent when the rule has none. */
  readonly limit?: string;
  readonly observed?: string;
}

export interface RiskDecision {
  readonly ok: boolean;
  /** `CODE: text` for every failed rule, sorted by code (independent of rule order). */
  readonly reasons: readonly string[];
  readonly violations: readonly RiskViolation[];
  readonly limits: Readonly<Record<string, string>>;
}
