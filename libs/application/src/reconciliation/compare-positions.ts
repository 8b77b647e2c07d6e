import { ZERO, max, type Decimal } from '@cab/domain';

export type PositionComparison =
  | { kind: 'match' }
  /** The exchange holds less base than our books: a sell would fail. Repair down, halt entries. */
  | { kind: 'short'; local: Decimal; exchange: Decimal; diff: Decimal }
  /** The exchange holds more: base the bot does not manage (a manual buy, a deposit). Reported, not adopted. */
  | { kind: 'surplus'; local: Decimal; exchange: Decimal; diff: Decimal };

/**
 * Local position vs the exchange's base balance (free + used). Pure. Tolerance = max(one amount
 * step, tolerancePct × position): rounding of fees and amounts must not trip it.
 */
export function comparePosition(local: Decimal, exchangeTotal: Decimal, amountStep: Decimal, tolerancePct: Decimal): PositionComparison {
  const tol = max(amountStep, local.times(tolerancePct));
  const diff = exchangeTotal.minus(local);
  if (diff.abs().lte(tol)) return { kind: 'match' };
  return diff.lt(ZERO) ? { kind: 'short', local, exchange: exchangeTotal, diff: diff.abs() } : { kind: 'surplus', local, exchange: exchangeTotal, diff };
}
