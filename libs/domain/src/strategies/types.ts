import type { Candle } from '../market/types';

export type SignalAction = 'buy' | 'sell' | 'hold';

/**
 * What a strategy concluded and why. Reasons are `CODE: text` lines (e.g.
 * `SIGNAL.EMA_CROSS_UP: …`, `SIGNAL.STALE_DATA: …`): the audit and the dashboard show them.
 */
export interface Signal {
  readonly action: SignalAction;
  readonly reasons: readonly string[];
}

export interface StrategyContext {
  readonly symbol: string;
  /** Closed candles, oldest first, of one timeframe. */
  readonly candles: readonly Candle[];
  readonly timeframeMs: number;
  /** Now, from the injected clock (epoch ms). */
  readonly now: number;
  /** Whether a position is held; when false, a sell becomes hold. Unknown when omitted. */
  readonly inPosition?: boolean;
}

/** Pure: the same context always gives the same signal. */
export interface Strategy {
  readonly name: string;
  /** Candles the strategy needs; it reads exactly the last `warmup`, so longer histories give the same answer. */
  readonly warmup: number;
  evaluate(ctx: StrategyContext): Signal;
}
