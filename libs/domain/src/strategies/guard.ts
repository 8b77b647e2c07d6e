import type { Signal, StrategyContext } from './types';

export const hold = (...reasons: string[]): Signal => ({ action: 'hold', reasons });

/**
 * The checks every strategy makes first: enough candles, and fresh ones. A last candle older than
 * two timeframes means the feed stalled; trading on it would trade on the past.
 * Returns where the window to evaluate starts (the last `warmup` candles), or the hold signal.
 */
export function guard(ctx: StrategyContext, warmup: number): { from: number } | { signal: Signal } {
  const n = ctx.candles.length;
  if (n < warmup) return { signal: hold(`SIGNAL.WARMUP: ${n} candles < ${warmup} needed`) };
  const last = ctx.candles[n - 1]!;
  const age = ctx.now - last.ts;
  if (age > 2 * ctx.timeframeMs) {
    return { signal: hold(`SIGNAL.STALE_DATA: last candle is ${Math.floor(age / 1000)}s old > 2 timeframes (${(2 * ctx.timeframeMs) / 1000}s)`) };
  }
  return { from: n - warmup };
}

/** A sell without a position is nothing to do. */
export function longOnly(ctx: StrategyContext, s: Signal): Signal {
  if (s.action === 'sell' && ctx.inPosition === false) return hold(...s.reasons, 'SIGNAL.NO_POSITION: nothing to sell');
  if (s.action === 'buy' && ctx.inPosition === true) return hold(...s.reasons, 'SIGNAL.IN_POSITION: already long');
  return s;
}

/** Numbers for reasons: enough digits to read, no float noise. */
export const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(2) : x.toPrecision(4));
