import {
  annualisedReturn,
  approx,
  calmarRatio as calmarOfReturns,
  dec,
  maxDrawdown,
  periodReturns,
  sharpe,
  sortinoRatio as sortinoOfReturns,
  str,
  ZERO,
  type Decimal,
} from '@cab/domain';

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

/** A ratio as this module hands it on: null where the domain's is undefined (NaN, ±Infinity). */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Sortino ratio of the curve's period returns, annualised at its sampling rate: the domain's
 * (libs/domain/src/pnl/ratios.ts, the number the backtest report shows). Null when undefined:
 * nothing ever went down, too few samples.
 */
export function sortinoRatio(s: EquitySeries): number | null {
  const r = periodReturns(s.equity);
  const ppy = periodsPerYear(s);
  if (!r || ppy === 0) return null;
  return finite(sortinoOfReturns(r, ppy));
}

/**
 * Calmar ratio: the compound annual return over the maximum drawdown (fractions), the domain's
 * (libs/domain/src/pnl/ratios.ts). Null with no drawdown or too short a curve. Annualising a day's
 * return makes large numbers; they still rank.
 */
export function calmarRatio(s: EquitySeries): number | null {
  const n = s.equity.length;
  if (n < 2) return null;
  const years = ((s.ts[n - 1] as number) - (s.ts[0] as number)) / YEAR_MS;
  const dd = approx(maxDrawdown(s.equity).maxDrawdownPct);
  return finite(calmarOfReturns(annualisedReturn(s.equity[0] as Decimal, s.equity[n - 1] as Decimal, years), dd));
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
