import { approx, dec, maxDrawdown, sharpe, str, ZERO, type Decimal } from '@cab/domain';

export const OBJECTIVES = ['sharpe', 'profit', 'calmar', 'sortino'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export const isObjective = (s: string): s is Objective => (OBJECTIVES as readonly string[]).includes(s);

/** An equity curve as a backtest samples it: times and equity in quote, oldest first, the start equity first. */
export interface EquitySeries {
  ts: readonly number[];
  equity: readonly Decimal[];
}

const YEAR_MS = 365 * 86_400_000;

/** Samples per year of a curve sampled at a fixed spacing (the recorder's stride), 0 when unknown. */
function periodsPerYear(s: EquitySeries): number {
  const n = s.ts.length;
  if (n < 2) return 0;
  const spacing = ((s.ts[n - 1] as number) - (s.ts[0] as number)) / (n - 1);
  return spacing > 0 ? YEAR_MS / spacing : 0;
}

function periodReturns(equity: readonly Decimal[]): number[] | null {
  const out: number[] = [];
  for (let i = 1; i < equity.length; i++) {
    const prev = equity[i - 1] as Decimal;
    if (prev.lte(ZERO)) return null;
    out.push(approx((equity[i] as Decimal).minus(prev).div(prev)));
  }
  return out;
}

/**
 * Sortino ratio: mean period return over the downside deviation (root mean square of the negative
 * returns, target 0), annualised like Sharpe. Null when nothing ever went down (no downside to
 * divide by) or with too few samples. A statistic, not money: float64.
 */
// TODO(integrator): use ratios.ts (libs/domain/src/pnl/ratios.ts, the report's Sharpe/Sortino/Calmar) once it lands.
export function sortinoRatio(s: EquitySeries): number | null {
  const r = periodReturns(s.equity);
  const ppy = periodsPerYear(s);
  if (!r || r.length < 2 || ppy === 0) return null;
  const mean = r.reduce((a, x) => a + x, 0) / r.length;
  const downside = Math.sqrt(r.reduce((a, x) => a + (x < 0 ? x * x : 0), 0) / r.length);
  return downside > 0 ? (mean / downside) * Math.sqrt(ppy) : null;
}

/**
 * Calmar ratio: the annualised (compound) return over the maximum drawdown, as fractions. Null with
 * no drawdown or too short a curve. Annualising a day's return makes large numbers; they still rank.
 */
// TODO(integrator): use ratios.ts (libs/domain/src/pnl/ratios.ts) once it lands.
export function calmarRatio(s: EquitySeries): number | null {
  const n = s.equity.length;
  if (n < 2) return null;
  const first = s.equity[0] as Decimal;
  const last = s.equity[n - 1] as Decimal;
  const years = ((s.ts[n - 1] as number) - (s.ts[0] as number)) / YEAR_MS;
  const dd = approx(maxDrawdown(s.equity).maxDrawdownPct);
  if (!(years > 0) || !(dd > 0) || first.lte(ZERO)) return null;
  const growth = approx(last.div(first));
  const annual = growth > 0 ? growth ** (1 / years) - 1 : -1;
  return Number.isFinite(annual) ? annual / dd : null;
}

/** Net return of the curve in percent, exact (decimal), 4 places as the backtest summary rounds it. */
export function profitPct(s: EquitySeries): Decimal | null {
  const first = s.equity[0];
  const last = s.equity[s.equity.length - 1];
  if (!first || !last || first.lte(ZERO)) return null;
  return last.minus(first).div(first).times(dec('100')).round(4);
}

/** Ratios are shown with 6 decimals: enough to rank, and the same text on every machine. */
const ratioText = (x: number | null): string | null => (x === null || !Number.isFinite(x) ? null : x.toFixed(6));

/**
 * The score of an equity curve under an objective, as decimal text (null = undefined: too few
 * samples, nothing to divide by). Higher is better for every objective; a null ranks last.
 */
export function score(objective: Objective, s: EquitySeries): string | null {
  switch (objective) {
    case 'profit': {
      const p = profitPct(s);
      return p === null ? null : str(p);
    }
    case 'sharpe': {
      const ppy = periodsPerYear(s);
      return ppy > 0 ? ratioText(sharpe(s.equity, ppy)) : null;
    }
    case 'sortino':
      return ratioText(sortinoRatio(s));
    case 'calmar':
      return ratioText(calmarRatio(s));
  }
}

/** Orders scores best first: higher first, nulls last; ties keep their order (a stable sort). */
export function compareScores(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return dec(b).cmp(dec(a));
}

/**
 * Chains out-of-sample curves into one, as if the money had been carried from one window to the
 * next: each curve is rescaled so it starts where the previous one ended. The combined result of a
 * walk-forward is scored on this (docs/optimize.md).
 */
export function chainSeries(parts: readonly EquitySeries[]): EquitySeries {
  const ts: number[] = [];
  const equity: Decimal[] = [];
  for (const p of parts) {
    const start = p.equity[0];
    if (!start) continue;
    const carried = equity[equity.length - 1];
    const factor = carried && start.gt(ZERO) ? carried.div(start) : null;
    p.equity.forEach((e, i) => {
      if (carried && i === 0) return; // the start of this window is the end of the last one
      ts.push(p.ts[i] as number);
      equity.push(factor ? e.times(factor) : e);
    });
  }
  return { ts, equity };
}
