import { ZERO, decInt, type Decimal } from '../money/decimal';

export interface TradeMetrics {
  /** Mean net PnL per round trip (what one more trade is worth on average); null without trades. */
  readonly expectancyQuote: Decimal | null;
  /** Mean of the winning / losing round trips (a loss is negative); null when there is none. */
  readonly avgWinQuote: Decimal | null;
  readonly avgLossQuote: Decimal | null;
  /** Best and worst round trip (null without trades). */
  readonly largestWinQuote: Decimal | null;
  readonly largestLossQuote: Decimal | null;
  /** Longest runs of consecutive wins / losses; a trade at exactly 0 ends both. */
  readonly maxWinStreak: number;
  readonly maxLossStreak: number;
}

/** Expectancy, average and extreme win and loss, and streaks of closed round trips in time order (net PnL each). */
export function tradeMetrics(results: Iterable<{ readonly pnlQuote: Decimal }>): TradeMetrics {
  let n = 0;
  let total = ZERO;
  let wins = 0;
  let winSum = ZERO;
  let losses = 0;
  let lossSum = ZERO;
  let best: Decimal | null = null;
  let worst: Decimal | null = null;
  let winRun = 0;
  let lossRun = 0;
  let maxWinStreak = 0;
  let maxLossStreak = 0;
  for (const { pnlQuote: p } of results) {
    n++;
    total = total.plus(p);
    if (best === null || p.gt(best)) best = p;
    if (worst === null || p.lt(worst)) worst = p;
    if (p.gt(ZERO)) {
      wins++;
      winSum = winSum.plus(p);
      winRun++;
      lossRun = 0;
    } else if (p.lt(ZERO)) {
      losses++;
      lossSum = lossSum.plus(p);
      lossRun++;
      winRun = 0;
    } else {
      winRun = 0;
      lossRun = 0;
    }
    if (winRun > maxWinStreak) maxWinStreak = winRun;
    if (lossRun > maxLossStreak) maxLossStreak = lossRun;
  }
  return {
    expectancyQuote: n > 0 ? total.div(decInt(n)) : null,
    avgWinQuote: wins > 0 ? winSum.div(decInt(wins)) : null,
    avgLossQuote: losses > 0 ? lossSum.div(decInt(losses)) : null,
    largestWinQuote: best !== null && best.gt(ZERO) ? best : null,
    largestLossQuote: worst !== null && worst.lt(ZERO) ? worst : null,
    maxWinStreak,
    maxLossStreak,
  };
}
