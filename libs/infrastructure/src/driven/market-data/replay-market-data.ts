import { dec, type Candle, type Clock, type Decimal } from '@cab/domain';
import type { MarketData, MarketDataResult, TickerDTO } from '@cab/application';

/**
 * Candles of history before the first traded one: already closed when the server's replay starts,
 * and a backtest's default warm-up (without --from), so both give the strategy the same past.
 */
export const REPLAY_WARMUP_CANDLES = 200;
/** Half the quoted spread of a replay's ticker by default, a fraction of the close (0.5 bp each side). */
export const REPLAY_HALF_SPREAD = '0.00005';

export interface ReplayOptions {
  /** Candles per symbol, ascending, one timeframe each. */
  series: ReadonlyMap<string, readonly Candle[]>;
  clock: Clock;
  /** How many candles of history pass per candle of pipeline time: 60 turns 1m candles into one a second. */
  speed: number;
  /** Start over at the end instead of stopping there. */
  loop: boolean;
  /** Pipeline time at which the replay's first candle opens; defaults to the clock's time at construction. */
  anchorMs?: number;
  /** Candles already closed at the anchor, so strategies have history from the first evaluation. */
  warmupCandles?: number;
  /** Half the quoted spread, as a fraction of the close ("0.00005" = 0.5 bp each side). */
  halfSpread?: string;
  /** Timeframe per symbol in the file's time, ms (default 60,000). */
  timeframeMs?: number;
}

/** Where a replay stands on the pipeline's clock: logged at start so a run can be mapped back to the file. */
export interface ReplayDescription {
  /** Candles in the file (per symbol, all the same length when one file serves every symbol). */
  candles: number;
  warmupCandles: number;
  speed: number;
  loop: boolean;
  /** The file's timeframe, ms; on the pipeline clock a candle lasts timeframeMs / speed. */
  timeframeMs: number;
  /** Pipeline time (epoch ms) at which the first candle after the warm-up opens. */
  anchorMs: number;
  /** File time (epoch ms) of that candle, or null when the warm-up covers the whole file. */
  firstLiveCandleTs: number | null;
}

interface Series {
  candles: readonly Candle[];
  /** Length of one replay cycle in the file's time: last open − first open + one timeframe. */
  span: number;
  /**
   * The first cycle is shown with the file's own timestamps (speed 1, anchored on the file's first
   * traded candle: a backtest's view), so a window of it is a slice of the file, not a copy per candle.
   */
  inPlace: boolean;
}

/**
 * Replays recorded candles as if they were happening now. Candle i of the file appears, closed,
 * once the clock passes anchor + (i + 1 − warmup) × timeframe / speed, and is shown with its
 * timestamp moved onto the pipeline's clock (and its timeframe divided by the speed), so
 * staleness checks, cooldowns and "orders per hour" see a live-looking market. With a virtual
 * clock at speed 1 and the anchor at the first candle, this is exactly a backtest's view.
 *
 * Looping continues the timestamps upward (the price jumps back to the file's start): a demo runs
 * forever without the pipeline ever seeing time go backwards.
 */
export class ReplayMarketData implements MarketData {
  readonly name = 'replay';
  private readonly series = new Map<string, Series>();
  private readonly anchor: number;
  private readonly tf: number;
  private readonly warmup: number;
  private readonly halfSpread: Decimal;

  constructor(private readonly opts: ReplayOptions) {
    if (!(opts.speed > 0)) throw new RangeError('speed must be > 0');
    this.tf = opts.timeframeMs ?? 60_000;
    this.anchor = opts.anchorMs ?? opts.clock.now();
    this.warmup = opts.warmupCandles ?? 0;
    this.halfSpread = dec(opts.halfSpread ?? REPLAY_HALF_SPREAD);
    for (const [symbol, candles] of opts.series) {
      const first = candles[0];
      const last = candles[candles.length - 1];
      if (!first || !last) throw new RangeError(`${symbol}: no candles to replay`);
      this.series.set(symbol, { candles, span: last.ts - first.ts + this.tf, inPlace: opts.speed === 1 && this.anchor === first.ts + this.warmup * this.tf });
    }
  }

  /**
   * The replay's mapping from pipeline time to the file: candle k (0-based) of a non-looping file
   * is the last closed one from anchorMs + (k + 1 − warmupCandles) × timeframeMs / speed on.
   */
  describe(): ReplayDescription {
    const first = this.series.values().next().value as Series | undefined;
    const live = first?.candles[this.warmup];
    return {
      candles: first?.candles.length ?? 0,
      warmupCandles: this.warmup,
      speed: this.opts.speed,
      loop: this.opts.loop,
      timeframeMs: this.tf,
      anchorMs: this.anchor,
      firstLiveCandleTs: live ? live.ts : null,
    };
  }

  timeframeMs(_symbol?: string): number {
    return this.tf / this.opts.speed;
  }

  /** How many candles of the file are closed at the current time (may exceed the file when looping). */
  closedCount(symbol: string): number {
    const elapsed = Math.max(0, this.opts.clock.now() - this.anchor) * this.opts.speed;
    const closed = Math.floor(elapsed / this.tf) + this.warmup;
    const s = this.series.get(symbol);
    if (!s) return 0;
    return this.opts.loop ? closed : Math.min(closed, s.candles.length);
  }

  /** True when a non-looping replay has shown its last candle. */
  finished(symbol: string): boolean {
    const s = this.series.get(symbol);
    return !this.opts.loop && s !== undefined && this.closedCount(symbol) >= s.candles.length;
  }

  async candles(symbol: string, limit: number): Promise<MarketDataResult<Candle[]>> {
    const s = this.series.get(symbol);
    if (!s) return unknown(symbol);
    const end = this.closedCount(symbol);
    const start = Math.max(0, end - limit);
    // Same candles as at() would give (it returns the file's own object when the times agree).
    if (s.inPlace && end <= s.candles.length) return { ok: true, value: s.candles.slice(start, end) };
    const out: Candle[] = [];
    for (let k = start; k < end; k++) out.push(this.at(s, k));
    return { ok: true, value: out };
  }

  async ticker(symbol: string): Promise<MarketDataResult<TickerDTO>> {
    const s = this.series.get(symbol);
    if (!s) return unknown(symbol);
    const n = this.closedCount(symbol);
    if (n === 0) return { ok: false, error: { code: 'MARKET_DATA.UNAVAILABLE', message: `${symbol}: the replay has not reached its first candle` } };
    const c = this.at(s, n - 1);
    // String(number) of a value parsed from decimal text gives that text back (shortest round trip).
    const last = dec(String(c.close));
    const half = last.times(this.halfSpread);
    return { ok: true, value: { symbol, bid: last.minus(half), ask: last.plus(half), last, ts: c.ts + this.timeframeMs() } };
  }

  /** The k-th candle of the (possibly looped) replay, moved onto the pipeline's clock. */
  private at(s: Series, k: number): Candle {
    const n = s.candles.length;
    const c = s.candles[k % n] as Candle;
    const first = s.candles[0] as Candle;
    const fileTs = c.ts + Math.floor(k / n) * s.span;
    const ts = this.anchor + (fileTs - first.ts - this.warmup * this.tf) / this.opts.speed;
    // A backtest's view (speed 1, anchored on the file): the file's own candle, not a copy per read.
    if (ts === c.ts) return c;
    return { ts, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
  }
}

function unknown<T>(symbol: string): MarketDataResult<T> {
  return { ok: false, error: { code: 'MARKET_DATA.UNKNOWN_SYMBOL', message: `no replay data for ${symbol}` } };
}
