import {
  applyRoundTripFill,
  dec,
  flatPosition,
  maxDrawdown,
  sharpe,
  str,
  sum,
  tradeStats,
  ZERO,
  type Decimal,
  type DustTest,
  type FeeCurrency,
  type Position,
  type Side,
  type TradeResult,
} from '@cab/domain';
import type { EquityPoint } from './equity-recorder';

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
  exposure: number;
  /** Length of one candle, ms (to annualise Sharpe). */
  timeframeMs: number;
  /**
   * Whether a base amount left after a sell can no longer be sold (below the exchange minimum).
   * Such dust ends the round trip, as the pipeline's own accounting does; without it only an exact
   * zero would, and a Gate buy (fee taken in base) practically never sells down to zero.
   */
  isDust?: DustTest;
}

export interface ReportSummary {
  symbol: string;
  strategy: string;
  params: Record<string, unknown>;
  from: number;
  to: number;
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
  startEquity: string;
  endEquity: string;
  netPnl: string;
  returnPct: string;
  realizedPnl: string;
  fees: string;
  maxDrawdown: string;
  maxDrawdownPct: string;
  /** Annualised, from the sampled equity curve; null when undefined (too few samples, flat curve). */
  sharpe: number | null;
  /** Fraction of candles with an open round trip (from a buy to the sell that closes it; dust left after a sell is not a position). */
  exposure: number;
}

export interface BacktestReport {
  summary: ReportSummary;
  trades: ReportFill[];
  closedTrades: { openedTs: number; closedTs: number; realized: string; fees: string; pnl: string }[];
  equity: EquityPoint[];
}

const YEAR_MS = 365 * 86_400_000;

/** Everything a backtest report says, computed from the fills and the sampled equity curve. */
export function buildReport(input: ReportInput): BacktestReport {
  let position: Position = flatPosition(input.symbol);
  const closed: TradeResult[] = [];
  const fees: Decimal[] = [];
  for (const f of input.fills) {
    // The domain's round-trip rule: a sell that leaves only dust closes the round trip.
    const outcome = applyRoundTripFill(
      position,
      {
        side: f.side,
        amount: dec(f.amount),
        price: dec(f.price),
        fee: dec(f.fee),
        feeCurrency: (f.feeCurrency === input.base ? 'base' : 'quote') as FeeCurrency,
        ts: f.ts,
      },
      input.isDust,
    );
    position = outcome.position;
    fees.push(outcome.feeQuote);
    if (outcome.closed) closed.push(outcome.closed);
  }
  const stats = tradeStats(closed);
  const equity = input.curve.map((p) => dec(p.equity));
  const end = equity[equity.length - 1] ?? input.startEquity;
  const dd = maxDrawdown([input.startEquity, ...equity]);
  const spacing = input.curve.length > 1 ? ((input.curve[input.curve.length - 1]?.ts ?? 0) - (input.curve[0]?.ts ?? 0)) / (input.curve.length - 1) : 0;
  const sr = spacing > 0 ? sharpe(equity, YEAR_MS / spacing) : NaN;
  const net = end.minus(input.startEquity);
  return {
    summary: {
      symbol: input.symbol,
      strategy: input.strategy,
      params: input.params,
      from: input.from,
      to: input.to,
      candles: input.candles,
      warmupCandles: input.warmupCandles ?? 0,
      elapsedMs: input.elapsedMs,
      candlesPerSecond: input.elapsedMs > 0 ? Math.round((input.candles * 1000) / input.elapsedMs) : 0,
      fills: input.fills.length,
      trades: stats.trades,
      wins: stats.wins,
      losses: stats.losses,
      winRate: stats.winRate === null ? null : str(stats.winRate.round(4)),
      profitFactor: stats.profitFactor === null ? null : str(stats.profitFactor.round(4)),
      startEquity: str(input.startEquity),
      endEquity: str(end),
      netPnl: str(net),
      returnPct: input.startEquity.gt(ZERO) ? str(net.div(input.startEquity).times(dec('100')).round(4)) : '0',
      realizedPnl: str(sum(closed.map((c) => c.realizedQuote))),
      fees: str(sum(fees)),
      maxDrawdown: str(dd.maxDrawdownQuote),
      maxDrawdownPct: str(dd.maxDrawdownPct.times(dec('100')).round(4)),
      sharpe: Number.isFinite(sr) ? Math.round(sr * 1000) / 1000 : null,
      exposure: Math.round(input.exposure * 10_000) / 10_000,
    },
    trades: [...input.fills],
    closedTrades: closed.map((c) => ({
      openedTs: c.openedTs,
      closedTs: c.closedTs,
      realized: str(c.realizedQuote),
      fees: str(c.feesQuote),
      pnl: str(c.pnlQuote),
    })),
    equity: [...input.curve],
  };
}
