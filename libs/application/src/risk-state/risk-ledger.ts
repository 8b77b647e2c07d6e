import {
  MS,
  ZERO,
  applyRoundTripFill,
  flatPosition,
  max,
  splitSymbol,
  type ClosedTrade,
  type DailyPnl,
  type Decimal,
  type Fill,
  type FillOutcome,
  type PnlEntry,
  type Position,
  utcDayStart,
} from '@cab/domain';
import type { OrderRecord } from '../ports/orders-repository';

const KEEP_TRADES = 200;

/**
 * The risk manager's memory, kept in process so a backtest step costs no query: order times (orders
 * per hour), last trade per symbol (cooldown), PnL entries of the last day (daily loss), closed
 * round trips (loss streak) and the equity peak (drawdown). Rebuilt at start from the stored
 * orders (`replay`), then fed by the core for every fill that moves a position.
 */
export class RiskLedger {
  private readonly orderTs: number[] = [];
  private readonly lastTrade: Record<string, number> = {};
  /** PnL entries since the start of the UTC day of the last snapshot (the daily loss looks at no other). */
  private pnl: PnlEntry[] = [];
  /** Running totals of `pnl` over that day: entries [0, counted) are added. A snapshot costs the new fills, not the day's. */
  private day = { start: Number.NaN, counted: 0, realized: ZERO, fees: ZERO, net: ZERO };
  private readonly closed: ClosedTrade[] = [];
  private readonly roundTrips = new Map<string, Position>();
  private equityPeak: Decimal = ZERO;

  /**
   * `isDust(symbol, base, price)`: whether what is left after a sell can no longer be sold (below
   * the exchange minimum). Such a remainder is kept on the position as explicit dust, and the round
   * trip counts as closed for the loss streak.
   */
  constructor(private readonly isDust: (symbol: string, base: Decimal, price: Decimal) => boolean = () => false) {}

  /** Replays stored orders (oldest first) with a fill: what a restart needs to keep the limits. */
  replay(orders: readonly OrderRecord[]): void {
    const sorted = [...orders].sort((a, b) => a.createdAt - b.createdAt);
    for (const o of sorted) {
      this.orderPlaced(o.createdAt);
      if (!o.filledBase.gt(ZERO)) continue;
      const price = o.averagePrice ?? (o.filledQuote.gt(ZERO) ? o.filledQuote.div(o.filledBase) : null);
      if (!price) continue;
      const { base, quote } = splitSymbol(o.symbol);
      const fill: Fill = {
        side: o.side,
        amount: o.filledBase,
        price,
        // A fee in a third currency (Gate's GT points) moves neither base nor quote: zero, as when the
        // fill was applied (the domain's applyObservation), so a restart keeps the same daily loss.
        fee: o.feeCurrency === base || o.feeCurrency === quote ? o.fee : ZERO,
        feeCurrency: o.feeCurrency === base ? 'base' : 'quote',
        ts: o.updatedAt,
      };
      this.apply(o.symbol, fill);
    }
  }

  orderPlaced(ts: number): void {
    this.orderTs.push(ts);
  }

  /** A fill moved a position (the settler's listener). */
  filled(symbol: string, fill: Fill, outcome: FillOutcome): void {
    this.lastTrade[symbol] = fill.ts;
    this.pnl.push({ ts: fill.ts, realizedQuote: outcome.realizedQuote, feeQuote: outcome.feeQuote });
    this.track(symbol, fill);
  }

  private apply(symbol: string, fill: Fill): void {
    this.lastTrade[symbol] = fill.ts;
    const out = this.track(symbol, fill);
    if (out) this.pnl.push({ ts: fill.ts, realizedQuote: out.realizedQuote, feeQuote: out.feeQuote });
  }

  /** Moves the round-trip mirror; a sell that leaves only dust closes the round trip. */
  private track(symbol: string, fill: Fill): FillOutcome | null {
    const before = this.roundTrips.get(symbol) ?? flatPosition(symbol);
    // A replay window can start mid-position: a sell larger than what we saw is clamped, not thrown.
    const f = fill.side === 'sell' && fill.amount.gt(before.base) ? { ...fill, amount: before.base } : fill;
    if (f.amount.lte(ZERO)) return null;
    let out: FillOutcome;
    try {
      // The domain's round-trip rule: a sell that leaves only dust closes the round trip.
      out = applyRoundTripFill(before, f, (base, price) => this.isDust(symbol, base, price));
    } catch {
      // The stored position (not this mirror) is the truth; a mismatch here only affects the streak.
      return null;
    }
    this.roundTrips.set(symbol, out.position);
    if (out.closed) this.pushClosed({ closedTs: out.closed.closedTs, pnlQuote: out.closed.pnlQuote });
    return out;
  }

  private pushClosed(t: ClosedTrade): void {
    this.closed.push(t);
    if (this.closed.length > KEEP_TRADES) this.closed.splice(0, this.closed.length - KEEP_TRADES);
  }

  /** Records the current equity and returns the peak so far. */
  equity(equityQuote: Decimal): Decimal {
    this.equityPeak = max(this.equityPeak, equityQuote);
    return this.equityPeak;
  }

  snapshot(now: number): {
    lastTradeTs: Readonly<Record<string, number>>;
    recentOrderTs: readonly number[];
    daily: DailyPnl;
    recentTrades: readonly ClosedTrade[];
  } {
    const hourAgo = now - MS.hour;
    while (this.orderTs.length > 0 && (this.orderTs[0] ?? 0) < hourAgo) this.orderTs.shift();
    return { lastTradeTs: this.lastTrade, recentOrderTs: this.orderTs, daily: this.daily(now), recentTrades: this.closed };
  }

  /** `dailyPnl(entries, now)`, kept as running totals: on a busy day it would otherwise re-add every fill of the day per order. */
  private daily(now: number): DailyPnl {
    const start = utcDayStart(now);
    if (start !== this.day.start) {
      this.pnl = this.pnl.filter((e) => e.ts >= start);
      this.day = { start, counted: 0, realized: ZERO, fees: ZERO, net: ZERO };
    }
    const end = start + MS.day;
    const d = this.day;
    let added = false;
    for (; d.counted < this.pnl.length; d.counted++) {
      const e = this.pnl[d.counted] as PnlEntry;
      if (e.ts < start || e.ts >= end) continue;
      d.realized = d.realized.plus(e.realizedQuote);
      d.fees = d.fees.plus(e.feeQuote);
      added = true;
    }
    // The net only when the totals moved: every entry check reads it, fills are rare.
    if (added) d.net = d.realized.minus(d.fees);
    return { dayStart: start, realizedQuote: d.realized, feesQuote: d.fees, netQuote: d.net };
  }
}
