import { dec, decInt, str, sum, utcDayStart, ZERO, type Decimal } from '@cab/domain';
import { isoDay, isoMonth, utcMonthStart, utcWeekStart } from './calendar';
import { dayOf, type DailyClose } from './equity-recorder';
import type { RoundTrip } from './round-trips';

export type PeriodKind = 'day' | 'week' | 'month';

/** One UTC day, week (from Monday) or month of the run; steps and fills stamped at 00:00 (a candle's close) count in the day before. */
export interface PeriodRow {
  /** Start of the period, epoch ms. */
  start: number;
  /** 2024-08-05 (a day, or the Monday of a week), 2024-08 (a month). */
  label: string;
  /** Round trips closed in the period, won, lost, and their net PnL (quote, exact). */
  trades: number;
  wins: number;
  losses: number;
  pnl: string;
  /** Equity at the end of the period before (the run's start for the first) and at its own end. */
  startEquity: string;
  endEquity: string;
  /** endEquity / startEquity − 1, in %, to 4 places. */
  returnPct: string;
}

const START: Record<PeriodKind, (ts: number) => number> = { day: utcDayStart, week: utcWeekStart, month: utcMonthStart };
const LABEL: Record<PeriodKind, (ts: number) => string> = { day: isoDay, week: isoDay, month: isoMonth };

/**
 * The run cut into UTC days, weeks or months: equity from the daily closes (EquityRecorder), so a
 * period without a trade still shows what holding did to the equity; round trips by their close.
 */
export function periodBreakdown(kind: PeriodKind, days: readonly DailyClose[], startEquity: Decimal, trips: readonly RoundTrip[]): PeriodRow[] {
  const startOf = START[kind];
  const ends = new Map<number, Decimal>();
  for (const d of days) ends.set(startOf(d.day), dec(d.equity));
  const closed = new Map<number, RoundTrip[]>();
  for (const t of trips) {
    // By the day of the candle whose close it was decided on (a fill at 00:00 belongs to the day before).
    const k = startOf(dayOf(t.closedTs));
    const list = closed.get(k);
    if (list) list.push(t);
    else closed.set(k, [t]);
  }
  const keys = [...new Set([...ends.keys(), ...closed.keys()])].sort((a, b) => a - b);
  const rows: PeriodRow[] = [];
  let before = startEquity;
  for (const k of keys) {
    const end = ends.get(k) ?? before;
    const ts = closed.get(k) ?? [];
    const pnls = ts.map((t) => dec(t.pnl));
    rows.push({
      start: k,
      label: LABEL[kind](k),
      trades: ts.length,
      wins: pnls.filter((p) => p.gt(ZERO)).length,
      losses: pnls.filter((p) => p.lt(ZERO)).length,
      pnl: str(sum(pnls)),
      startEquity: str(before),
      endEquity: str(end),
      returnPct: before.gt(ZERO) ? str(end.div(before).minus(dec('1')).times(dec('100')).round(4)) : '0',
    });
    before = end;
  }
  return rows;
}

/** Per exit reason: how many round trips it closed, won and lost, their net PnL, mean profit % and mean holding time. */
export interface ExitReasonRow {
  reason: string;
  trades: number;
  wins: number;
  losses: number;
  pnl: string;
  avgPnlPct: string;
  avgHoldingMs: number;
}

export function exitReasonStats(trips: readonly RoundTrip[]): ExitReasonRow[] {
  const by = new Map<string, RoundTrip[]>();
  for (const t of trips) {
    const list = by.get(t.exitReason);
    if (list) list.push(t);
    else by.set(t.exitReason, [t]);
  }
  return [...by.entries()]
    .map(([reason, ts]) => {
      const pnls = ts.map((t) => dec(t.pnl));
      return {
        reason,
        trades: ts.length,
        wins: pnls.filter((p) => p.gt(ZERO)).length,
        losses: pnls.filter((p) => p.lt(ZERO)).length,
        pnl: str(sum(pnls)),
        avgPnlPct: str(
          sum(ts.map((t) => dec(t.pnlPct)))
            .div(decInt(ts.length))
            .round(4),
        ),
        avgHoldingMs: Math.round(ts.reduce((a, t) => a + t.holdingMs, 0) / ts.length),
      };
    })
    .sort((a, b) => b.trades - a.trades || a.reason.localeCompare(b.reason));
}
