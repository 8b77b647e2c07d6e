import { ZERO, approx, type Decimal } from '../money/decimal';

/**
 * THE risk-adjusted ratios of the project (the backtest report and `cab optimize` both read them
 * from here, so a strategy ranked by the optimizer is ranked by the numbers its report shows).
 * Statistics, not money: float64 on returns, the equity itself stays decimal until the division.
 * Risk-free rate 0; a 24/7 market has 365 daily periods a year.
 */

/** Daily periods in a year of a market that never closes. */
export const DAYS_PER_YEAR = 365;

/**
 * How many period returns an annualised ratio needs before it means anything. Below that a
 * Sharpe of a one-day backtest is √365 × one number over a noise σ: a figure people would read as
 * a result. The report shows "n/a — too few daily returns (N)" instead.
 */
export const MIN_RATIO_RETURNS = 30;

/** Simple returns between consecutive equity values; null when a value before the last is not positive (a return is undefined). */
export function periodReturns(equity: readonly Decimal[]): number[] | null {
  const out: number[] = [];
  for (let i = 1; i < equity.length; i++) {
    const prev = equity[i - 1]!;
    if (prev.lte(ZERO)) return null;
    out.push(approx(equity[i]!.minus(prev).div(prev)));
  }
  return out;
}

const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

/** Sharpe: mean / sample standard deviation of the returns × √periodsPerYear. NaN with fewer than 2 returns or none varying. */
export function sharpeRatio(returns: readonly number[], periodsPerYear: number): number {
  if (returns.length < 2) return NaN;
  const m = mean(returns);
  const variance = returns.reduce((a, r) => a + (r - m) ** 2, 0) / (returns.length - 1);
  if (!(variance > 0)) return NaN;
  return (m / Math.sqrt(variance)) * Math.sqrt(periodsPerYear);
}

/**
 * Sortino: mean return / downside deviation × √periodsPerYear, the downside deviation being
 * √(Σ min(r, 0)² / N) over all N returns (target 0), so only falls count as risk. NaN with fewer
 * than 2 returns or no falling period (nothing to divide by).
 */
export function sortinoRatio(returns: readonly number[], periodsPerYear: number): number {
  if (returns.length < 2) return NaN;
  const downside = Math.sqrt(returns.reduce((a, r) => a + (r < 0 ? r * r : 0), 0) / returns.length);
  if (!(downside > 0)) return NaN;
  return (mean(returns) / downside) * Math.sqrt(periodsPerYear);
}

/**
 * Compound annual growth from `start` to `end` over `years` (> 0): (end / start)^(1 / years) − 1.
 * NaN when start is not positive, end is negative or years is not positive.
 */
export function annualisedReturn(start: Decimal, end: Decimal, years: number): number {
  if (!start.gt(ZERO) || end.lt(ZERO) || !(years > 0)) return NaN;
  return Math.pow(approx(end.div(start)), 1 / years) - 1;
}

/** Calmar: annualised return / max drawdown (a fraction of its peak, 0.1 = 10 %). NaN without a drawdown. */
export function calmarRatio(annualReturn: number, maxDrawdownFraction: number): number {
  if (!(maxDrawdownFraction > 0) || !Number.isFinite(annualReturn)) return NaN;
  return annualReturn / maxDrawdownFraction;
}

/** Sharpe of an equity curve sampled at a fixed period (periodReturns, then sharpeRatio). NaN when undefined. */
export function sharpe(equity: readonly Decimal[], periodsPerYear: number): number {
  const r = periodReturns(equity);
  return r === null ? NaN : sharpeRatio(r, periodsPerYear);
}

/** An annualised ratio, or why it is not given. */
export type Ratio = { readonly value: number; readonly reason: null } | { readonly value: null; readonly reason: string };

export interface DailyRatios {
  /** Daily returns the ratios were computed on. */
  readonly dailyReturns: number;
  readonly sharpe: Ratio;
  readonly sortino: Ratio;
  readonly calmar: Ratio;
}

/**
 * Sharpe, Sortino and Calmar of a run from its equity at the start and at each UTC day's close
 * (`dailyEquity[0]` is the start). All three are annualised, so all three need MIN_RATIO_RETURNS
 * daily returns; below that each is `{ value: null, reason: 'too few daily returns (N)' }`.
 * `maxDrawdownFraction` is the run's (from its full curve, deeper than the daily closes show).
 */
export function dailyRatios(dailyEquity: readonly Decimal[], maxDrawdownFraction: number, minReturns = MIN_RATIO_RETURNS): DailyRatios {
  const returns = periodReturns(dailyEquity);
  const n = returns?.length ?? 0;
  const why = (reason: string): Ratio => ({ value: null, reason });
  if (returns === null) return { dailyReturns: n, sharpe: why('equity fell to zero'), sortino: why('equity fell to zero'), calmar: why('equity fell to zero') };
  if (n < minReturns) {
    const r = why(`too few daily returns (${n})`);
    return { dailyReturns: n, sharpe: r, sortino: r, calmar: r };
  }
  const given = (v: number, reason: string): Ratio => (Number.isFinite(v) ? { value: v, reason: null } : why(reason));
  const cagr = annualisedReturn(dailyEquity[0]!, dailyEquity[dailyEquity.length - 1]!, n / DAYS_PER_YEAR);
  return {
    dailyReturns: n,
    sharpe: given(sharpeRatio(returns, DAYS_PER_YEAR), 'the daily returns do not vary'),
    sortino: given(sortinoRatio(returns, DAYS_PER_YEAR), 'no losing day'),
    calmar: given(calmarRatio(cagr, maxDrawdownFraction), 'no drawdown'),
  };
}
