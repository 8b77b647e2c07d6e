import type { Candle, Strategy, StrategyFactory } from '@cab/domain';
import type { MarketData, MarketDataResult } from '../ports/market-data';

interface Running {
  readonly strategy: Strategy;
  /** Open time of the last candle fed (NaN before the first). */
  lastTs: number;
  /** The last candle fed, as the source gave it then. */
  last: Candle | null;
}

/**
 * One running strategy per symbol, fed every closed candle exactly once, in order.
 *
 * Each catch-up fetches only the candles closed since the last one fed (plus that one, to prove the
 * sequence continues) and feeds the new ones; evaluated twice on one candle, nothing is fed twice.
 * The first call, and any call that cannot prove continuity — a candle missing after the last fed
 * one (the source skipped one, or a stall longer than the warm-up), time going backwards (a replay
 * started over), or the last fed candle answered with other prices (a closed candle never changes:
 * the source rewrote its history, as a fast replay does when it moves on under the same candle
 * times) — resets the strategy and warms it up again from the last `warmup` closed candles. A paper replay and a backtest of the same file therefore warm up from the same candles
 * and make the same decisions.
 */
export class StrategyFeeds {
  private readonly running = new Map<string, Running>();

  constructor(private readonly factory: StrategyFactory) {}

  /** Drops the symbol's strategy: the next catch-up makes a fresh one and warms it up (after the strategy threw). */
  forget(symbol: string): void {
    this.running.delete(symbol);
  }

  /** The symbol's strategy, fed up to the last closed candle (or the market data's error). */
  async catchUp(symbol: string, marketData: MarketData, now: number): Promise<MarketDataResult<Strategy>> {
    let r = this.running.get(symbol);
    if (!r) {
      r = { strategy: this.factory.create(), lastTs: NaN, last: null };
      this.running.set(symbol, r);
    }
    const tf = marketData.timeframeMs(symbol);
    const warmup = Math.max(1, this.factory.warmup);
    if (!Number.isNaN(r.lastTs)) {
      // The last fed candle and those closed since (a candle opened at ts is closed from ts + tf on), plus one spare.
      const behind = Math.floor((now - r.lastTs) / tf) + 1;
      if (behind <= warmup) {
        const got = await marketData.candles(symbol, Math.max(2, behind));
        if (!got.ok) return got;
        if (this.continueWith(r, got.value, tf)) return { ok: true, value: r.strategy };
      }
    }
    // First call, or continuity lost: start over from the recent history.
    const got = await marketData.candles(symbol, warmup);
    if (!got.ok) return got;
    r.strategy.reset();
    r.lastTs = NaN;
    r.last = null;
    for (const c of got.value) this.feed(r, c);
    return { ok: true, value: r.strategy };
  }

  /**
   * Feeds the candles after the last fed one if they continue the sequence without a hole; false
   * (nothing fed) if not. Synchronous, so two evaluations of one symbol cannot interleave a feed.
   */
  private continueWith(r: Running, window: readonly Candle[], tf: number): boolean {
    const last = r.lastTs;
    let i = window.length;
    while (i > 0 && window[i - 1]!.ts > last) i--;
    const seen = i > 0 ? window[i - 1]! : undefined;
    if (seen && seen.ts === last && r.last && !sameCandle(seen, r.last)) return false; // history rewritten
    if (i === window.length) return window.length > 0 && window[i - 1]!.ts === last; // nothing new, or time went back
    // Continuous: each new candle opens one timeframe after the one before it, the first one after
    // the last fed (half a timeframe of tolerance: a replay at an odd speed carries float rounding).
    let prev = last;
    for (let k = i; k < window.length; k++) {
      if (Math.abs(window[k]!.ts - prev - tf) >= tf / 2) return false;
      prev = window[k]!.ts;
    }
    for (; i < window.length; i++) this.feed(r, window[i]!);
    return true;
  }

  private feed(r: Running, c: Candle): void {
    r.strategy.update(c);
    r.lastTs = c.ts;
    r.last = c;
  }
}

const sameCandle = (a: Candle, b: Candle): boolean =>
  a.ts === b.ts && a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume;
