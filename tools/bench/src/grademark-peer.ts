// The peer row of `npm run bench`: our default strategy's rules (EMA cross with an RSI filter, hard
// stop, trailing stop armed above entry) written as a grademark strategy, run over the same candles.
// Like-for-like workload, not identical fills: see "grademark, same rules" in README.md beside this file.
import { performance } from 'node:perf_hooks';
import { DataFrame, type IDataFrame } from 'data-forge';
import { backtest, type IBar, type IStrategy, type ITrade } from 'grademark';
import { Ema, Rsi, type Candle, type EmaCrossRsiParams } from '@cab/domain';

/** The exit settings as fractions (EXIT_STOP_PCT, EXIT_TRAIL_PCT, EXIT_TRAIL_ACTIVATE_PCT, EXIT_TAKE_PROFIT_PCT; 0 = off). */
export interface PeerExits {
  readonly stopPct: number;
  readonly trailPct: number;
  readonly trailActivatePct: number;
  readonly takeProfitPct: number;
}

export interface PeerOptions {
  readonly candles: readonly Candle[];
  readonly params: EmaCrossRsiParams;
  readonly exits: PeerExits;
  /** The first `history` candles only feed the indicators: no entry on them, not counted. */
  readonly history: number;
}

export interface PeerResult {
  readonly trades: readonly ITrade[];
  /** Candles after the history: what candles/s is counted on, as for our backtest. */
  readonly candles: number;
  readonly elapsedMs: number;
  readonly candlesPerSecond: number;
}

interface PeerBar extends IBar {
  /** Position in the input, to keep the history out of trading. */
  readonly i: number;
  readonly fast: number;
  readonly slow: number;
  readonly prevFast: number;
  readonly prevSlow: number;
  readonly rsi: number;
}

/**
 * The indicators once over the whole series, with our own O(1) Ema and Rsi (same formulas as the
 * strategy, and cheaper than a data-forge indicator chain): the measured time is grademark's engine,
 * not a slow indicator library's. Our strategy instead recomputes them over its last 85 closes at
 * each candle; 85 is 4× the longest period, so the seed has faded and the crosses are the same
 * except on near-ties.
 */
function prepIndicators(params: EmaCrossRsiParams) {
  return ({ inputSeries }: { inputSeries: IDataFrame<number, IBar> }): IDataFrame<number, PeerBar> => {
    const fast = new Ema(params.fastPeriod);
    const slow = new Ema(params.slowPeriod);
    const rsi = new Rsi(params.rsiPeriod);
    const bars = inputSeries.toArray().map((b, i): PeerBar => {
      const prevFast = fast.value;
      const prevSlow = slow.value;
      fast.update(b.close);
      slow.update(b.close);
      rsi.update(b.close);
      return { ...b, i, fast: fast.value, slow: slow.value, prevFast, prevSlow, rsi: rsi.value };
    });
    return new DataFrame<number, PeerBar>(bars);
  };
}

/** The rules of `ema_cross_rsi` with the exit policy's stops, as grademark takes them. */
export function peerStrategy(params: EmaCrossRsiParams, exits: PeerExits, history: number): IStrategy<IBar, PeerBar> {
  const { stopPct, trailPct, trailActivatePct, takeProfitPct } = exits;
  // The level below which the position is stopped out before the trail arms (0 = no hard stop).
  const floor = (entry: number) => (stopPct > 0 ? entry * (1 - stopPct) : 0);
  return {
    lookbackPeriod: 1,
    prepIndicators: prepIndicators(params),
    entryRule: (enter, { bar }) => {
      if (bar.i < history) return;
      if (bar.prevFast <= bar.prevSlow && bar.fast > bar.slow && bar.rsi < params.rsiBuyMax) enter();
    },
    exitRule: (exit, { bar }) => {
      if (bar.prevFast >= bar.prevSlow && bar.fast < bar.slow) exit();
    },
    ...(stopPct > 0 ? { stopLoss: ({ entryPrice }: { entryPrice: number }) => entryPrice * stopPct } : {}),
    ...(takeProfitPct > 0 ? { profitTarget: ({ entryPrice }: { entryPrice: number }) => entryPrice * takeProfitPct } : {}),
    // grademark trails from the first bar and places the stop at (reference − distance), keeping the
    // highest level: the entry price on the entry bar, the bar's close after. Our trail arms only
    // once the price is trailActivatePct above entry, so until then the distance puts the stop on
    // the hard stop; once armed, the highest close × (1 − trailPct) is our peak − trailPct.
    trailingStopLoss: ({ entryPrice, bar, position }) => {
      if (bar.time === position.entryTime) return entryPrice - floor(entryPrice);
      if (trailPct > 0 && bar.close >= entryPrice * (1 + trailActivatePct)) return bar.close * trailPct;
      return bar.close - floor(entryPrice);
    },
  };
}

/** Bars as grademark reads them: built before the clock starts, as our backtest's replay source is. */
export function toBars(candles: readonly Candle[]): IDataFrame<number, IBar> {
  return new DataFrame<number, IBar>(candles.map((c) => ({ time: new Date(c.ts), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume })));
}

/** One grademark backtest, timed like ours: the run itself (indicators included), not the input's loading. */
export function runPeer(opts: PeerOptions): PeerResult {
  const bars = toBars(opts.candles);
  const strategy = peerStrategy(opts.params, opts.exits, opts.history);
  const started = performance.now();
  const trades = backtest(strategy, bars);
  const elapsedMs = performance.now() - started;
  const candles = Math.max(0, opts.candles.length - opts.history);
  return { trades, candles, elapsedMs, candlesPerSecond: elapsedMs > 0 ? candles / (elapsedMs / 1000) : NaN };
}
