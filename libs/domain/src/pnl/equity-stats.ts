import { ZERO, approx, decInt, type Decimal } from '../money/decimal';

export interface Drawdown {
  /** Largest fall from a running peak, in quote (≥ 0). */
  readonly maxDrawdownQuote: Decimal;
  /** That fall relative to its peak, as a fraction (0.1 = 10 %); 0 when the peak is not positive. */
  readonly maxDrawdownPct: Decimal;
  readonly peakQuote: Decimal;
}

/** Max drawdown of an equity curve (quote values in time order). */
export function maxDrawdown(equity: Iterable<Decimal>): Drawdown {
  let peak: Decimal | null = null;
  let worst = ZERO;
  let worstPct = ZERO;
  for (const e of equity) {
    if (peak === null || e.gt(peak)) peak = e;
    const dd = peak.minus(e);
    if (dd.gt(worst)) worst = dd;
    if (peak.gt(ZERO)) {
      const pct = dd.div(peak);
      if (pct.gt(worstPct)) worstPct = pct;
    }
  }
  return { maxDrawdownQuote: worst, maxDrawdownPct: worstPct, peakQuote: peak ?? ZERO };
}

export interface TradeStats {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  /** wins / trades; null without trades. A trade at exactly 0 counts as neither win nor loss. */
  readonly winRate: Decimal | null;
  readonly grossProfitQuote: Decimal;
  readonly grossLossQuote: Decimal;
  /** gross profit / gross loss; null when there is no loss to divide by. */
  readonly profitFactor: Decimal | null;
  readonly netQuote: Decimal;
}

/** Win rate and profit factor of closed trades (net PnL each). */
export function tradeStats(results: Iterable<{ readonly pnlQuote: Decimal }>): TradeStats {
  let trades = 0;
  let wins = 0;
  let losses = 0;
  let profit = ZERO;
  let loss = ZERO;
  for (const r of results) {
    trades++;
    if (r.pnlQuote.gt(ZERO)) {
      wins++;
      profit = profit.plus(r.pnlQuote);
    } else if (r.pnlQuote.lt(ZERO)) {
      losses++;
      loss = loss.minus(r.pnlQuote);
    }
  }
  return {
    trades,
    wins,
    losses,
    winRate: trades > 0 ? decInt(wins).div(decInt(trades)) : null,
    grossProfitQuote: profit,
    grossLossQuote: loss,
    profitFactor: loss.gt(ZERO) ? profit.div(loss) : null,
    netQuote: profit.minus(loss),
  };
}

/**
 * Sharpe ratio of an equity curve sampled at a fixed period: mean / sample standard deviation of
 * the period returns, times √periodsPerYear (e.g. 365 for daily samples of a 24/7 market), risk-free
 * rate 0. A statistic, not money, so float64. NaN with fewer than 3 samples or flat returns.
 */
export function sharpe(equity: readonly Decimal[], periodsPerYear: number): number {
  const returns: number[] = [];
  for (let i = 1; i < equity.length; i++) {
    const prev = equity[i - 1]!;
    if (prev.lte(ZERO)) return NaN;
    returns.push(approx(equity[i]!.minus(prev).div(prev)));
  }
  if (returns.length < 2) return NaN;
  const mean = returns.reduce((a, r) => a + r, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  if (!(variance > 0)) return NaN;
  return (mean / Math.sqrt(variance)) * Math.sqrt(periodsPerYear);
}
