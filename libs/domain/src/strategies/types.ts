import type { Validated } from '../config/validated';
import type { Candle } from '../market/types';
import type { ParamSpecs } from './define-strategy';

export type SignalAction = 'buy' | 'sell' | 'hold';

/**
 * What a strategy concluded and why. Reasons are `CODE: text` lines (e.g.
 * `SIGNAL.EMA_CROSS_UP: …`, `SIGNAL.STALE_DATA: …`): the audit and the dashboard show them.
 * `reasons` may be a getter that formats the text on first read (see `lazySignal`): a strategy
 * evaluated on every candle should not format a hold's numbers nobody reads.
 */
export interface Signal {
  readonly action: SignalAction;
  readonly reasons: readonly string[];
}

/**
 * What a strategy is told when asked for a signal, after its last `update`. A new object for each
 * ask: a strategy may keep it.
 */
export interface SignalContext {
  readonly symbol: string;
  /** Now, from the injected clock (epoch ms). */
  readonly now: number;
  /** Length of one candle on the same clock, ms. */
  readonly timeframeMs: number;
  /** Whether a position is held; when false, a sell becomes hold. Unknown when omitted. */
  readonly inPosition?: boolean;
}

/**
 * A running strategy: ONE symbol's state (its indicators), fed every closed candle once, in order.
 * The pipeline feeds it only the candles it has not seen; on a gap (missed candles, a restart,
 * time going backwards) it calls `reset()` and warms it up again from recent history.
 */
export interface Strategy {
  readonly name: string;
  /** Closed candles it must be fed before its first real signal (it holds `SIGNAL.WARMUP` until then). */
  readonly warmup: number;
  /** One closed candle, oldest first, each exactly once. O(1): no history is kept or re-read. */
  update(candle: Candle): void;
  /** The signal after the last `update`. Asking twice without an update gives the same action. */
  signal(ctx: SignalContext): Signal;
  /** Forget every candle: the next `update` starts a new warm-up. */
  reset(): void;
}

/** A strategy with its parameters checked: makes one `Strategy` per symbol. */
export interface StrategyFactory {
  readonly name: string;
  /** The `warmup` of the strategies it makes. */
  readonly warmup: number;
  /** The checked parameters (defaults filled in), for reports and logs. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The definition's parameter specs, when it has them (see StrategyDefinition.parameters). */
  readonly parameters?: ParamSpecs;
  create(): Strategy;
}

/**
 * A kind of strategy: its name, its parameters' defaults, their check (every problem at once,
 * bounds included) and how to build one from checked parameters. The registry holds these.
 */
export interface StrategyDefinition<P> {
  readonly name: string;
  /** One line for listings (defineStrategy fills it in). */
  readonly description?: string;
  /** Types, bounds and defaults of the parameters (defineStrategy fills it in): what an optimizer may search. */
  readonly parameters?: ParamSpecs;
  readonly defaults: P;
  validate(params: Record<string, unknown>): Validated<P>;
  create(params: P): Strategy;
}
