import type { Candle } from '../market/types';
import type { Signal, SignalContext, Strategy, StrategyFactory } from './types';

/**
 * A strategy threw. Carries what a person needs to find the bug — which strategy, in which call,
 * on which candle — and the strategy's own message; the pipeline halts entries with it (paper,
 * live) and a backtest stops with it (docs/strategies.md, "When your strategy throws").
 */
export class StrategyFault extends Error {
  override name = 'StrategyFault';

  constructor(
    readonly strategy: string,
    readonly phase: 'update' | 'signal' | 'reset',
    /** Open time of the candle being fed (update) or of the last one fed (signal); null before any. */
    readonly candleTs: number | null,
    /** The strategy's own message. */
    readonly detail: string,
  ) {
    super(`strategy ${strategy} threw in ${phase}${candleTs === null ? '' : ` on the candle of ${new Date(candleTs).toISOString()}`}: ${detail}`);
  }
}

/**
 * The same factory, whose strategies turn any throw into a StrategyFault (a plug-in is someone
 * else's code: what it throws, and whether it is an Error at all, is unknown). One try per call;
 * nothing else changes.
 */
export function guardedFactory(factory: StrategyFactory): StrategyFactory {
  return {
    name: factory.name,
    warmup: factory.warmup,
    params: factory.params,
    ...(factory.parameters ? { parameters: factory.parameters } : {}),
    create: () => new GuardedStrategy(factory.name, factory.create()),
  };
}

class GuardedStrategy implements Strategy {
  readonly warmup: number;
  private lastTs: number | null = null;

  constructor(
    readonly name: string,
    private readonly inner: Strategy,
  ) {
    this.warmup = inner.warmup;
  }

  update(candle: Candle): void {
    try {
      this.inner.update(candle);
    } catch (e) {
      throw new StrategyFault(this.name, 'update', candle.ts, messageOf(e));
    }
    this.lastTs = candle.ts;
  }

  signal(ctx: SignalContext): Signal {
    let s: Signal;
    try {
      s = this.inner.signal(ctx);
    } catch (e) {
      throw new StrategyFault(this.name, 'signal', this.lastTs, messageOf(e));
    }
    if (s === null || typeof s !== 'object' || (s.action !== 'buy' && s.action !== 'sell' && s.action !== 'hold'))
      throw new StrategyFault(this.name, 'signal', this.lastTs, `returned ${describe(s)}, not a signal with action buy, sell or hold`);
    return s;
  }

  reset(): void {
    try {
      this.inner.reset();
    } catch (e) {
      throw new StrategyFault(this.name, 'reset', this.lastTs, messageOf(e));
    }
    this.lastTs = null;
  }
}

/** The first line of an error's message; by shape, not instanceof (a plug-in's Error may come from another realm). */
function messageOf(e: unknown): string {
  const m = e !== null && typeof e === 'object' ? (e as { message?: unknown }).message : undefined;
  if (typeof m === 'string') return m.split('\n')[0] || String((e as { name?: unknown }).name ?? 'Error');
  return describe(e);
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
