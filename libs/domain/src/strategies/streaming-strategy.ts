import type { Candle } from '../market/types';
import { lazySignal } from './signal';
import type { Signal, SignalContext, Strategy } from './types';

/**
 * The base of a streaming strategy (the built-ins extend it; so can yours). It counts the candles
 * fed and remembers the last one's time, so every strategy gets the same two checks before it is
 * asked anything:
 * - fewer than `warmup` candles fed since the last reset → hold `SIGNAL.WARMUP`;
 * - the last candle older than two timeframes → hold `SIGNAL.STALE_DATA` (the feed stalled:
 *   trading on it would trade on the past);
 * and the long-only rule after: a sell without a position, or a buy while long, becomes a hold.
 *
 * A subclass keeps its indicators in fields, updates them in `onCandle` (O(1)), rebuilds them in
 * `onReset`, and decides in `decide` from those fields only — building reason text lazily.
 */
export abstract class StreamingStrategy implements Strategy {
  abstract readonly name: string;
  abstract readonly warmup: number;
  private fed = 0;
  private lastTs = Number.NEGATIVE_INFINITY;

  /** Candles fed since the last reset. */
  get candlesSeen(): number {
    return this.fed;
  }

  update(candle: Candle): void {
    this.fed++;
    this.lastTs = candle.ts;
    this.onCandle(candle);
  }

  reset(): void {
    this.fed = 0;
    this.lastTs = Number.NEGATIVE_INFINITY;
    this.onReset();
  }

  signal(ctx: SignalContext): Signal {
    // The lazy reasons are made in helpers: a closure here would make V8 allocate this call's
    // variables on the heap at every call, the common path (decide) included.
    const n = this.fed;
    const warmup = this.warmup;
    if (n < warmup) return warmingUp(n, warmup);
    const age = ctx.now - this.lastTs;
    const limit = 2 * ctx.timeframeMs;
    if (age > limit) return stale(age, limit);
    return longOnly(ctx, this.decide(ctx));
  }

  /** One closed candle: update the indicators. */
  protected abstract onCandle(candle: Candle): void;
  /** Back to a fresh state, as constructed. */
  protected abstract onReset(): void;
  /** The signal on the state after the last candle; called only once warmed up and fresh. */
  protected abstract decide(ctx: SignalContext): Signal;
}

/** A sell without a position is nothing to do; neither is a buy while already long. */
export function longOnly(ctx: SignalContext, s: Signal): Signal {
  if (s.action === 'sell' && ctx.inPosition === false) return heldBack(s, 'SIGNAL.NO_POSITION: nothing to sell');
  if (s.action === 'buy' && ctx.inPosition === true) return heldBack(s, 'SIGNAL.IN_POSITION: already long');
  return s;
}

function warmingUp(n: number, warmup: number): Signal {
  return lazySignal('hold', () => [`SIGNAL.WARMUP: ${n} candles < ${warmup} needed`]);
}

function stale(age: number, limit: number): Signal {
  return lazySignal('hold', () => [`SIGNAL.STALE_DATA: last candle is ${Math.floor(age / 1000)}s old > 2 timeframes (${limit / 1000}s)`]);
}

function heldBack(s: Signal, why: string): Signal {
  return lazySignal('hold', () => [...s.reasons, why]);
}
