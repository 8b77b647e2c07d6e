import { dailyRatios, dec, maxDrawdown, str, sum, tradeMetrics, tradeStats, ZERO, type Decimal, type DustTest, type Ratio, type Side } from '@cab/domain';
import type { FillRecord } from '../ports/fills-repository';
import type { DailyClose, EquityPoint } from './equity-recorder';
import { exitReasonStats, periodBreakdown, type ExitReasonRow, type PeriodRow } from './periods';
import { roundTrips, type OpenTrade, type RoundTrip } from './round-trips';
import type { StopLevel } from './stop-levels';

/** One fill as the report lists it: strings for every amount (report.json is read by people and tools). */
export interface ReportFill {
  ts: number;
  symbol: string;
  side: Side;
  price: string;
  /** Gross base amount. */
  amount: string;
  /** Quote value price × amount. */
  cost: string;
  fee: string;
  feeCurrency: string;
  orderId: string;
  clientOrderId: string | null;
  /** Why the order was placed: the strategy's signal or the exit that fired. */
  reason: string | null;
}

/** A recorded fill as the report lists it: amounts as exact decimal text, the fee currency the quote when the venue named none. */
export function reportFill(f: FillRecord, reason: string | null, quote: string): ReportFill {
  return {
    ts: f.ts,
    symbol: f.symbol,
    side: f.side,
    price: str(f.price),
    amount: str(f.amount),
    cost: str(f.cost),
    fee: str(f.fee),
    feeCurrency: f.feeCurrency ?? quote,
    orderId: f.exchangeOrderId,
    clientOrderId: f.clientOrderId,
    reason,
  };
}

export interface ReportInput {
  symbol: string;
  base: string;
  quote: string;
  strategy: string;
  params: Record<string, unknown>;
  from: number;
  to: number;
  candles: number;
  /** Candles of history before `from` (default 0). */
  warmupCandles?: number;
  elapsedMs: number;
  startEquity: Decimal;
  fills: readonly ReportFill[];
  curve: readonly EquityPoint[];
  /** The equity at each UTC day's close (EquityRecorder.dailyCloses): the daily returns and the period breakdowns. */
  dailyCloses: readonly DailyClose[];
  exposure: number;
  /** Length of one candle, ms. */
  timeframeMs: number;
  /** The first traded candle's open and the last one's close: buy and hold over the same range. */
  marketOpen: Decimal;
  marketClose: Decimal;
  /** Where the position's stops stood (StopLevelRecorder), for the chart and the round trips; none when the driver does not record them. */
  stopLevels?: readonly StopLevel[];
  /**
   * Whether a base amount left after a sell can no longer be sold (below the exchange minimum).
   * Such dust ends the round trip, as the pipeline's own accounting does; without it only an exact
   * zero would, and a Gate buy (fee taken in base) practically never sells down to zero.
   */
  isDust?: DustTest;
}

/** An annualised ratio to 3 places, or why there is none (`too few daily returns (N)` below 30). */
export type ReportRatio = Ratio;

export interface ReportSummary {
  symbol: string;
  strategy: string;
  params: Record<string, unknown>;
  from: number;
  to: number;
  /** Length of one candle, ms. */
  timeframeMs: number;
  /** Candles processed: the traded range, from `from` to `to`. */
  candles: number;
  /** Candles of history before `from`: seen by the strategy, never traded on, not in `candles` or the equity curve. */
  warmupCandles: number;
  elapsedMs: number;
  candlesPerSecond: number;
  fills: number;
  /** Closed round trips (flat → long → flat). */
  trades: number;
  wins: number;
  losses: number;
  winRate: string | null;
  profitFactor: string | null;
  /** Mean net PnL per round trip; mean of the wins and of the losses; the best and worst (quote, exact; null when there is none). */
  expectancy: string | null;
  avgWin: string | null;
  avgLoss: string | null;
  largestWin: string | null;
  largestLoss: string | null;
  /** Longest runs of consecutive winning and losing round trips. */
  maxWinStreak: number;
  maxLossStreak: number;
  startEquity: string;
  endEquity: string;
  netPnl: string;
  returnPct: string;
  realizedPnl: string;
  fees: string;
  maxDrawdown: string;
  maxDrawdownPct: string;
  /** Daily returns (UTC days) behind the ratios. */
  dailyReturns: number;
  /** Annualised Sharpe (= ratios.sharpe.value); null when not given (see ratios.sharpe.reason). */
  sharpe: number | null;
  /** Sharpe, Sortino and Calmar from the daily closes (@cab/domain pnl/ratios.ts); each null with its reason below 30 daily returns. */
  ratios: { sharpe: ReportRatio; sortino: ReportRatio; calmar: ReportRatio };
  /** Fraction of candles with an open round trip (from a buy to the sell that closes it; dust left after a sell is not a position). */
  exposure: number;
}

/** Holding the start equity in base from the first candle's open to the last one's close, before fees. */
export interface BuyAndHold {
  entryPrice: string;
  exitPrice: string;
  endEquity: string;
  pnl: string;
  returnPct: string;
}

export interface BacktestReport {
  summary: ReportSummary;
  trades: ReportFill[];
  /** The closed round trips, oldest first (`openedTs`, `closedTs`, `realized`, `fees`, `pnl` and what the table shows). */
  closedTrades: RoundTrip[];
  /** The round trip still open at the end, if any. */
  openTrade: OpenTrade | null;
  periods: { day: PeriodRow[]; week: PeriodRow[]; month: PeriodRow[] };
  exitReasons: ExitReasonRow[];
  buyAndHold: BuyAndHold;
  equity: EquityPoint[];
  stopLevels: StopLevel[];
}

const HUNDRED = dec('100');
const pct = (part: Decimal, whole: Decimal) => (whole.gt(ZERO) ? str(part.div(whole).times(HUNDRED).round(4)) : '0');
const orNull = (d: Decimal | null) => (d === null ? null : str(d));
const rounded = (r: Ratio): Ratio => (r.value === null ? r : { value: Math.round(r.value * 1000) / 1000, reason: null });

/** The summary's figures of closed round trips (a portfolio's are every symbol's together). */
export function tradeFigures(results: readonly { readonly pnlQuote: Decimal }[]) {
  const stats = tradeStats(results);
  const metrics = tradeMetrics(results);
  return {
    trades: stats.trades,
    wins: stats.wins,
    losses: stats.losses,
    winRate: stats.winRate === null ? null : str(stats.winRate.round(4)),
    profitFactor: stats.profitFactor === null ? null : str(stats.profitFactor.round(4)),
    expectancy: orNull(metrics.expectancyQuote),
    avgWin: orNull(metrics.avgWinQuote),
    avgLoss: orNull(metrics.avgLossQuote),
    largestWin: orNull(metrics.largestWinQuote),
    largestLoss: orNull(metrics.largestLossQuote),
    maxWinStreak: metrics.maxWinStreak,
    maxLossStreak: metrics.maxLossStreak,
  };
}

/** Everything a backtest report says, computed from the fills, the sampled equity curve and the daily closes. */
export function buildReport(input: ReportInput): BacktestReport {
  const book = roundTrips(input.fills, input.base, input.symbol, input.isDust, input.stopLevels);
  const closed = book.results;
  const equity = input.curve.map((p) => dec(p.equity));
  const end = equity[equity.length - 1] ?? input.startEquity;
  const dd = maxDrawdown([input.startEquity, ...equity]);
  const ratios = dailyRatios([input.startEquity, ...input.dailyCloses.map((d) => dec(d.equity))], Number(str(dd.maxDrawdownPct)));
  const net = end.minus(input.startEquity);
  const holdEnd = input.marketOpen.gt(ZERO) ? input.startEquity.times(input.marketClose).div(input.marketOpen) : input.startEquity;
  return {
    summary: {
      symbol: input.symbol,
      strategy: input.strategy,
      params: input.params,
      from: input.from,
      to: input.to,
      timeframeMs: input.timeframeMs,
      candles: input.candles,
      warmupCandles: input.warmupCandles ?? 0,
      elapsedMs: input.elapsedMs,
      candlesPerSecond: input.elapsedMs > 0 ? Math.round((input.candles * 1000) / input.elapsedMs) : 0,
      fills: input.fills.length,
      ...tradeFigures(closed),
      startEquity: str(input.startEquity),
      endEquity: str(end),
      netPnl: str(net),
      returnPct: pct(net, input.startEquity),
      realizedPnl: str(sum(closed.map((c) => c.realizedQuote))),
      fees: str(sum(book.fees)),
      maxDrawdown: str(dd.maxDrawdownQuote),
      maxDrawdownPct: str(dd.maxDrawdownPct.times(HUNDRED).round(4)),
      dailyReturns: ratios.dailyReturns,
      sharpe: rounded(ratios.sharpe).value,
      ratios: { sharpe: rounded(ratios.sharpe), sortino: rounded(ratios.sortino), calmar: rounded(ratios.calmar) },
      exposure: Math.round(input.exposure * 10_000) / 10_000,
    },
    trades: [...input.fills],
    closedTrades: book.trips,
    openTrade: book.open,
    periods: {
      day: periodBreakdown('day', input.dailyCloses, input.startEquity, book.trips),
      week: periodBreakdown('week', input.dailyCloses, input.startEquity, book.trips),
      month: periodBreakdown('month', input.dailyCloses, input.startEquity, book.trips),
    },
    exitReasons: exitReasonStats(book.trips),
    buyAndHold: {
      entryPrice: str(input.marketOpen),
      exitPrice: str(input.marketClose),
      endEquity: str(holdEnd),
      pnl: str(holdEnd.minus(input.startEquity)),
      returnPct: pct(holdEnd.minus(input.startEquity), input.startEquity),
    },
    equity: [...input.curve],
    stopLevels: [...(input.stopLevels ?? [])],
  };
}
