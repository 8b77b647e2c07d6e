import { ZERO, type Decimal } from '../money/decimal';
import { MS, utcDayStart } from '../time/clock';

/** What the application records per fill (FillOutcome's realizedQuote and feeQuote, with the fill's ts). */
export interface PnlEntry {
  readonly ts: number;
  readonly realizedQuote: Decimal;
  readonly feeQuote: Decimal;
}

export interface DailyPnl {
  /** Start of the UTC day, epoch ms. */
  readonly dayStart: number;
  readonly realizedQuote: Decimal;
  readonly feesQuote: Decimal;
  /** realized − fees: what the daily loss limit looks at. */
  readonly netQuote: Decimal;
}

/** Realized PnL and fees of the UTC day holding `ts`. */
export function dailyPnl(entries: Iterable<PnlEntry>, ts: number): DailyPnl {
  const dayStart = utcDayStart(ts);
  const dayEnd = dayStart + MS.day;
  let realized = ZERO;
  let fees = ZERO;
  for (const e of entries) {
    if (e.ts < dayStart || e.ts >= dayEnd) continue;
    realized = realized.plus(e.realizedQuote);
    fees = fees.plus(e.feeQuote);
  }
  return { dayStart, realizedQuote: realized, feesQuote: fees, netQuote: realized.minus(fees) };
}
