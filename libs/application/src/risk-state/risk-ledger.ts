import {
  MS,
  ZERO,
  applyFill,
  dailyPnl,
  flatPosition,
  max,
  splitSymbol,
  type ClosedTrade,
  type Decimal,
  type Fill,
  type FillOutcome,
  type PnlEntry,
  type Position,
} from '@cab/domain';
import type { OrderRecord } from '../ports/orders-repository';

const KEEP_TRADES = 200;

/**
 * The risk manager's memory, kept in process so a backtest step costs no query: order times (orders
 * per hour), last trade per symbol (cooldown), PnL entries of the last day (daily loss), closed
 * round trips (loss streak) and the equity peak (drawdown). Rebuilt at start from the stored
 * orders (`replay`), then fed by the OrderSettler for every fill that moves a position.
 */
export class RiskLedger {
  private readonly orderTs: number[] = [];
  private readonly lastTrade: Record<string, number> = {};
  private pnl: PnlEntry[] = [];
  private readonly closed: ClosedTrade[] = [];
  private readonly roundTrips = new Map<string, Position>();
  private equityPeak: Decimal = ZERO;

  /** Replays stored orders (oldest first) with a fill: what a restart needs to keep the limits. */
  replay(orders: readonly OrderRecord[]): void {
    const sorted = [...orders].sort((a, b) => a.createdAt - b.createdAt);
    for (const o of sorted) {
      this.orderPlaced(o.createdAt);
      if (!o.filledBase.gt(ZERO)) continue;
      const price = o.averagePrice ?? (o.filledQuote.gt(ZERO) ? o.filledQuote.div(o.filledBase) : null);
      if (!price) continue;
      const fill: Fill = { side: o.side, amount: o.filledBase, price, fee: o.fee, feeCurrency: o.feeCurrency === splitSymbol(o.symbol).base ? 'base' : 'quote', ts: o.updatedAt };
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
    const before = this.roundTrips.get(symbol) ?? flatPosition(symbol);
    // A replay window can start mid-position: a sell larger than what we saw is clamped, not thrown.
    const f = fill.side === 'sell' && fill.amount.gt(before.base) ? { ...fill, amount: before.base } : fill;
    if (f.amount.lte(ZERO)) return;
    let out: FillOutcome;
    try {
      out = applyFill(before, f);
    } catch {
      return;
    }
    this.lastTrade[symbol] = f.ts;
    this.pnl.push({ ts: f.ts, realizedQuote: out.realizedQuote, feeQuote: out.feeQuote });
    this.roundTrips.set(symbol, out.position);
    if (out.closed) this.pushClosed({ closedTs: out.closed.closedTs, pnlQuote: out.closed.pnlQuote });
  }

  private track(symbol: string, fill: Fill): void {
    const before = this.roundTrips.get(symbol) ?? flatPosition(symbol);
    const f = fill.side === 'sell' && fill.amount.gt(before.base) ? { ...fill, amount: before.base } : fill;
    if (f.amount.lte(ZERO)) return;
    try {
      const out = applyFill(before, f);
      this.roundTrips.set(symbol, out.position);
      if (out.closed) this.pushClosed({ closedTs: out.closed.closedTs, pnlQuote: out.closed.pnlQuote });
    } catch {
      // The stored position (not this mirror) is the truth; a mismatch here only affects the streak.
    }
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
    daily: ReturnType<typeof dailyPnl>;
    recentTrades: readonly ClosedTrade[];
  } {
    const hourAgo = now - MS.hour;
    while (this.orderTs.length > 0 && (this.orderTs[0] ?? 0) < hourAgo) this.orderTs.shift();
    const dayAgo = now - MS.day;
    if (this.pnl.length > 0 && (this.pnl[0]?.ts ?? 0) < dayAgo) this.pnl = this.pnl.filter((e) => e.ts >= dayAgo);
    return { lastTradeTs: this.lastTrade, recentOrderTs: this.orderTs, daily: dailyPnl(this.pnl, now), recentTrades: this.closed };
  }
}
