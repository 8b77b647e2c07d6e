import { isNegative } from '../../money/decimal';
import type { ClosedTrade, RiskRule, RuleOutcome } from '../types';

/** The losing trades in a row up to `ts`, and when the newest trade up to then closed. */
export interface LossStreak {
  readonly count: number;
  /** closedTs of the newest trade closed at or before `ts`; null when there is none. */
  readonly newestTs: number | null;
}

/**
 * The streak as "the trades closed by `ts`, newest first (a stable sort: equal times keep their
 * order), counted until the first one that did not lose", without copying or sorting the list on
 * every check: the first non-losing trade in that order is the one with the latest closedTs (the
 * earliest in the list among equal times); the streak is every losing trade before it in that
 * order. loss-streak.spec.ts checks both ways of counting against the sort.
 */
export function lossStreak(trades: readonly ClosedTrade[], ts: number): LossStreak {
  return isOldestFirst(trades) ? fromNewest(trades, ts) : anyOrder(trades, ts);
}

/** Sorted by closing time, oldest first (as the ledger keeps them): checked with number compares only. */
function isOldestFirst(trades: readonly ClosedTrade[]): boolean {
  for (let i = 1; i < trades.length; i++) if (trades[i]!.closedTs < trades[i - 1]!.closedTs) return false;
  return true;
}

/**
 * A list sorted oldest first is the newest-first order read backwards one group of equal times at
 * a time (each group kept in list order, as the stable sort keeps it): the count stops at the first
 * trade that did not lose, so only the streak and one more trade are compared as decimals.
 */
function fromNewest(trades: readonly ClosedTrade[], ts: number): LossStreak {
  let hi = trades.length - 1;
  while (hi >= 0 && trades[hi]!.closedTs > ts) hi--;
  if (hi < 0) return { count: 0, newestTs: null };
  const newestTs = trades[hi]!.closedTs;
  let count = 0;
  while (hi >= 0) {
    const groupTs = trades[hi]!.closedTs;
    let lo = hi;
    while (lo > 0 && trades[lo - 1]!.closedTs === groupTs) lo--;
    for (let i = lo; i <= hi; i++) {
      if (!isNegative(trades[i]!.pnlQuote)) return { count, newestTs };
      count++;
    }
    hi = lo - 1;
  }
  return { count, newestTs };
}

/** Any order: two passes over the list, no copy. */
function anyOrder(trades: readonly ClosedTrade[], ts: number): LossStreak {
  let newestTs: number | null = null;
  let stopTs = -Infinity;
  let stopIndex = -1;
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    if (t.closedTs > ts) continue;
    if (newestTs === null || t.closedTs > newestTs) newestTs = t.closedTs;
    if (!isNegative(t.pnlQuote) && (stopIndex < 0 || t.closedTs > stopTs)) {
      stopTs = t.closedTs;
      stopIndex = i;
    }
  }
  let count = 0;
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    if (t.closedTs > ts || !isNegative(t.pnlQuote)) continue;
    if (stopIndex < 0 || t.closedTs > stopTs || (t.closedTs === stopTs && i < stopIndex)) count++;
  }
  return { count, newestTs };
}

/**
 * RISK_LOSS_STREAK_MAX / RISK_LOSS_STREAK_PAUSE_SEC: after N losing trades in a row, entries
 * pause until N seconds after the last of them. A trade at exactly 0 ends the streak.
 */
export const lossStreakRule: RiskRule = {
  code: 'RISK.LOSS_STREAK',
  entryOnly: true,
  evaluate({ intent, state, config }): RuleOutcome {
    const max = config.lossStreakMax;
    if (max === 0) return { failure: null, limits: { 'lossStreak.max': 'off' } };
    const { count: streak, newestTs } = lossStreak(state.recentTrades, intent.ts);
    const limits = { 'lossStreak.max': String(max), 'lossStreak.count': String(streak), 'lossStreak.pauseSec': String(config.lossStreakPauseSec) };
    if (streak < max) return { failure: null, limits };
    const resumeTs = newestTs! + config.lossStreakPauseSec * 1000;
    if (intent.ts >= resumeTs) return { failure: null, limits };
    const leftSec = Math.ceil((resumeTs - intent.ts) / 1000);
    return {
      failure: `${streak} losing trades in a row >= max ${max}: entries paused for another ${leftSec}s`,
      limits,
      limit: String(max),
      observed: String(streak),
    };
  },
};
