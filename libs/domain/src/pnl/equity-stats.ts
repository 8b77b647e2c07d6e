import { ZERO, decInt, divide, type Decimal } from '../money/decimal';

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
      const pct = divide(dd, peak);
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
