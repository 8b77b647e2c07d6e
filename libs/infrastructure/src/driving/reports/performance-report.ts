import type { FillRecord, FillsRepository } from '@cab/application';
import {
  applyRoundTripFill,
  dec,
  avgEntry,
  dailyPnl,
  flatPosition,
  MS,
  splitSymbol,
  str,
  sum,
  tradeStats,
  unrealizedPnl,
  utcDayStart,
  ZERO,
  type Decimal,
  type PnlEntry,
  type Position,
  type TradeResult,
} from '@cab/domain';
import { knownDust, type DustSource } from './dust-source';

/** A price for valuing what is held; null when none is known (then the last fill price is used). */
export type PriceSource = (symbol: string) => Promise<Decimal | null>;

export interface PerformanceInput {
  fills: FillsRepository;
  symbols: readonly string[];
  /** Any epoch ms inside the UTC day to report. */
  day: number;
  prices?: PriceSource;
  /** What is dust per symbol, for the round-trip rule (a sell leaving only dust closes the trade); default `knownDust`. */
  dust?: DustSource;
}

/** Amounts are decimal strings (exact); the win rate is a fraction as a string, or null. */
export interface SymbolPerformance {
  symbol: string;
  /** Fills of the day. */
  fills: number;
  buys: number;
  sells: number;
  volumeQuote: string;
  feesQuote: string;
  realizedQuote: string;
  /** realized − fees of the day. */
  netQuote: string;
  /** Round trips closed during the day (by the domain's rule: a sell leaving only dust closes one), and how they went. */
  closedTrades: number;
  wins: number;
  losses: number;
  /** Held now (after every fill recorded, not only the day's). */
  positionBase: string;
  avgEntry: string;
  markPrice: string | null;
  markSource: 'price source' | 'last fill' | null;
  unrealizedQuote: string;
}

export interface PerformanceReport {
  date: string;
  symbols: SymbolPerformance[];
  totals: {
    fills: number;
    volumeQuote: string;
    feesQuote: string;
    realizedQuote: string;
    netQuote: string;
    unrealizedQuote: string;
    closedTrades: number;
    wins: number;
    losses: number;
    winRate: string | null;
  };
  /** Fills that could not be applied (history that does not add up), fees in a third currency… */
  warnings: string[];
}

const PAGE = 1000;

/** Every fill of a symbol, oldest first (the repository pages by 1000). */
export async function allFills(repo: FillsRepository, symbol: string): Promise<FillRecord[]> {
  const out: FillRecord[] = [];
  const seen = new Set<string>();
  let since: number | undefined;
  for (;;) {
    const page = await repo.bySymbol(symbol, since, PAGE);
    const fresh = page.filter((f) => !seen.has(f.tradeId));
    for (const f of fresh) {
      seen.add(f.tradeId);
      out.push(f);
    }
    if (page.length < PAGE || fresh.length === 0) return out;
    since = page[page.length - 1]!.ts;
  }
}

export function isoDay(ts: number): string {
  return new Date(utcDayStart(ts)).toISOString().slice(0, 10);
}

/** "YYYY-MM-DD" → start of that UTC day, or null when it is not a real date. */
export function parseIsoDay(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const ts = Date.parse(`${s}T00:00:00Z`);
  return Number.isNaN(ts) || isoDay(ts) !== s ? null : ts;
}

/**
 * A day's performance, rebuilt from the recorded fills with the domain's position accounting
 * (fees in the currency they were taken in, docs/lessons.md #4), so the figures match what the bot's own
 * PnL code computes. Replaying every fill is what makes the realized PnL of a sell today depend
 * on a buy from last week. Round trips close by the domain's rule (`applyRoundTripFill`), as in
 * the pipeline and a backtest: a Gate buy's fee is taken in base, so a sell practically always
 * leaves dust, and a round trip that closed only at exactly zero would never close.
 */
export async function performanceReport(input: PerformanceInput): Promise<PerformanceReport> {
  const dayStart = utcDayStart(input.day);
  const inDay = (ts: number): boolean => ts >= dayStart && ts < dayStart + MS.day;
  const warnings: string[] = [];
  const rows: SymbolPerformance[] = [];
  const closedAll: TradeResult[] = [];

  for (const symbol of input.symbols) {
    const { base: baseCcy, quote: quoteCcy } = splitSymbol(symbol);
    let position: Position = flatPosition(symbol);
    const entries: PnlEntry[] = [];
    const closed: TradeResult[] = [];
    let buys = 0;
    let sells = 0;
    let volume = ZERO;
    let lastPrice: Decimal | null = null;
    const isDust = await (input.dust ?? knownDust)(symbol);
    if (isDust === null) warnings.push(`${symbol}: the exchange minimum is unknown, so a round trip counts as closed only at exactly zero`);
    for (const f of await allFills(input.fills, symbol)) {
      let fee = f.fee;
      let feeCurrency: 'base' | 'quote' = 'quote';
      if (f.feeCurrency === baseCcy) feeCurrency = 'base';
      else if (f.feeCurrency !== null && f.feeCurrency !== quoteCcy && f.fee.gt(ZERO)) {
        warnings.push(`${symbol} trade ${f.tradeId}: fee ${str(f.fee)} ${f.feeCurrency} is not valued (neither base nor quote)`);
        fee = ZERO;
      }
      try {
        const outcome = applyRoundTripFill(position, { side: f.side, amount: f.amount, price: f.price, fee, feeCurrency, ts: f.ts }, isDust ?? undefined);
        position = outcome.position;
        entries.push({ ts: f.ts, realizedQuote: outcome.realizedQuote, feeQuote: outcome.feeQuote });
        if (outcome.closed && inDay(outcome.closed.closedTs)) closed.push(outcome.closed);
      } catch (e) {
        warnings.push(`${symbol} trade ${f.tradeId}: skipped (${(e as Error).message})`);
        continue;
      }
      lastPrice = f.price;
      if (inDay(f.ts)) {
        if (f.side === 'buy') buys++;
        else sells++;
        volume = volume.plus(f.cost);
      }
    }
    const day = dailyPnl(entries, dayStart);
    const quoted = input.prices ? await input.prices(symbol) : null;
    const mark = quoted ?? lastPrice;
    const unrealized = mark && position.base.gt(ZERO) ? unrealizedPnl(position, mark) : ZERO;
    const stats = tradeStats(closed);
    closedAll.push(...closed);
    rows.push({
      symbol,
      fills: buys + sells,
      buys,
      sells,
      volumeQuote: str(volume),
      feesQuote: str(day.feesQuote),
      realizedQuote: str(day.realizedQuote),
      netQuote: str(day.netQuote),
      closedTrades: stats.trades,
      wins: stats.wins,
      losses: stats.losses,
      positionBase: str(position.base),
      avgEntry: str(avgEntry(position)),
      markPrice: mark ? str(mark) : null,
      markSource: quoted ? 'price source' : mark ? 'last fill' : null,
      unrealizedQuote: str(unrealized),
    });
  }

  const total = (pick: (r: SymbolPerformance) => string): string => str(sum(rows.map((r) => dec(pick(r)))));
  const stats = tradeStats(closedAll);
  return {
    date: isoDay(dayStart),
    symbols: rows,
    totals: {
      fills: rows.reduce((a, r) => a + r.fills, 0),
      volumeQuote: total((r) => r.volumeQuote),
      feesQuote: total((r) => r.feesQuote),
      realizedQuote: total((r) => r.realizedQuote),
      netQuote: total((r) => r.netQuote),
      unrealizedQuote: total((r) => r.unrealizedQuote),
      closedTrades: stats.trades,
      wins: stats.wins,
      losses: stats.losses,
      winRate: stats.winRate ? str(stats.winRate) : null,
    },
    warnings,
  };
}
