import type { FillsRepository } from '@cab/application';
import {
  applyRoundTripFill,
  flatPosition,
  MS,
  splitSymbol,
  str,
  sum,
  tradeStats,
  utcDayStart,
  ZERO,
  type PnlEntry,
  type Position,
  type TradeResult,
} from '@cab/domain';
import { knownDust, type DustSource } from './dust-source';
import { allFills, isoDay } from './performance-report';

/**
 * Every recorded fill replayed once through the domain's round-trip accounting, as
 * `performanceReport` does for one day (libs/infrastructure/src/driving/reports): what /profit (all time
 * and today) and /daily (per day) read, so their figures are the ones /api/pnl and `cab performance`
 * print for the same day.
 */
export interface PnlHistory {
  /** Realised PnL (gross) and fee of every fill, valued in quote. */
  entries: PnlEntry[];
  /** Round trips closed (a sell leaving only dust closes one: docs/lessons.md #4, #5). */
  closed: TradeResult[];
  warnings: string[];
}

export interface PnlHistoryInput {
  fills: FillsRepository;
  symbols: readonly string[];
  dust?: DustSource;
}

export async function pnlHistory(input: PnlHistoryInput): Promise<PnlHistory> {
  const entries: PnlEntry[] = [];
  const closed: TradeResult[] = [];
  const warnings: string[] = [];
  for (const symbol of input.symbols) {
    const { base, quote } = splitSymbol(symbol);
    const isDust = await (input.dust ?? knownDust)(symbol);
    let position: Position = flatPosition(symbol);
    for (const f of await allFills(input.fills, symbol)) {
      // Gate takes a buy's fee in base and a sell's in quote (docs/lessons.md #4); a fee in a third
      // currency (GT) cannot be valued here and is left out, with a warning, as the report does.
      let fee = f.fee;
      const feeCurrency: 'base' | 'quote' = f.feeCurrency === base ? 'base' : 'quote';
      if (f.feeCurrency !== null && f.feeCurrency !== base && f.feeCurrency !== quote && f.fee.gt(ZERO)) {
        warnings.push(`${symbol} trade ${f.tradeId}: fee ${str(f.fee)} ${f.feeCurrency} is not valued`);
        fee = ZERO;
      }
      try {
        const out = applyRoundTripFill(position, { side: f.side, amount: f.amount, price: f.price, fee, feeCurrency, ts: f.ts }, isDust ?? undefined);
        position = out.position;
        entries.push({ ts: f.ts, realizedQuote: out.realizedQuote, feeQuote: out.feeQuote });
        if (out.closed) closed.push(out.closed);
      } catch (e) {
        warnings.push(`${symbol} trade ${f.tradeId}: skipped (${(e as Error).message})`);
      }
    }
  }
  return { entries, closed, warnings };
}

/** Figures of a span of time, as decimal strings; the win rate is a fraction, or null without a closed trip. */
export interface PnlSummary {
  realizedQuote: string;
  feesQuote: string;
  netQuote: string;
  closedTrades: number;
  wins: number;
  losses: number;
  winRate: string | null;
}

/** The span [from, to) of a history (the whole of it without bounds). */
export function summarize(h: PnlHistory, from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): PnlSummary {
  const inSpan = (ts: number): boolean => ts >= from && ts < to;
  const entries = h.entries.filter((e) => inSpan(e.ts));
  const realized = sum(entries.map((e) => e.realizedQuote));
  const fees = sum(entries.map((e) => e.feeQuote));
  const stats = tradeStats(h.closed.filter((t) => inSpan(t.closedTs)));
  return {
    realizedQuote: str(realized),
    feesQuote: str(fees),
    netQuote: str(realized.minus(fees)),
    closedTrades: stats.trades,
    wins: stats.wins,
    losses: stats.losses,
    winRate: stats.winRate ? str(stats.winRate) : null,
  };
}

export interface DaySummary extends PnlSummary {
  date: string;
}

/** The last `days` UTC days up to and including the day of `now`, oldest first. */
export function lastDays(h: PnlHistory, now: number, days: number): DaySummary[] {
  const today = utcDayStart(now);
  return Array.from({ length: days }, (_, i) => {
    const start = today - (days - 1 - i) * MS.day;
    return { date: isoDay(start), ...summarize(h, start, start + MS.day) };
  });
}
