import type { Candle, Clock } from '@cab/domain';
import type { MarketData, MarketDataResult, TickerDTO } from '@cab/application';
import { ReplayMarketData } from './replay-market-data';
import { seededRandom } from '../random/seeded-random';

export interface SyntheticOptions {
  symbols: readonly string[];
  clock: Clock;
  /** Seed of the walk: the same seed gives the same market. */
  seed?: number;
  startPrice?: number;
  /** Standard deviation of one candle's log return (0.001 ≈ 0.1 %). */
  volatility?: number;
  /** How many candles to generate (the walk loops after that). */
  length?: number;
  timeframeMs?: number;
  speed?: number;
  warmupCandles?: number;
}

/** A seeded geometric random walk of candles, prices rounded to cents. */
export function syntheticCandles(opts: {
  seed: number;
  startPrice: number;
  volatility: number;
  length: number;
  timeframeMs: number;
  startTs: number;
}): Candle[] {
  const rand = seededRandom(opts.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const cents = (x: number) => Math.round(x * 100) / 100;
  const out: Candle[] = [];
  let price = opts.startPrice;
  for (let i = 0; i < opts.length; i++) {
    const open = price;
    const close = Math.max(0.01, open * Math.exp(opts.volatility * gauss()));
    const wiggle = Math.abs(opts.volatility * gauss()) * open;
    const high = Math.max(open, close) + wiggle;
    const low = Math.max(0.01, Math.min(open, close) - wiggle);
    out.push({
      ts: opts.startTs + i * opts.timeframeMs,
      open: cents(open),
      high: cents(high),
      low: cents(low),
      close: cents(close),
      volume: cents(1 + 10 * rand()),
    });
    price = close;
  }
  return out.map((c) => ({ ...c, high: Math.max(c.high, c.open, c.close), low: Math.min(c.low, c.open, c.close) }));
}

/**
 * A synthetic market for demos and soak tests without any file: a seeded random walk, replayed
 * like a recorded one (see ReplayMarketData), looping forever.
 */
export class SyntheticMarketData implements MarketData {
  readonly name = 'synthetic';
  private readonly replay: ReplayMarketData;

  constructor(opts: SyntheticOptions) {
    const tf = opts.timeframeMs ?? 60_000;
    const series = new Map<string, Candle[]>();
    opts.symbols.forEach((symbol, i) =>
      series.set(
        symbol,
        syntheticCandles({
          seed: (opts.seed ?? 42) + i,
          startPrice: opts.startPrice ?? (symbol.startsWith('ETH') ? 3000 : 60000),
          volatility: opts.volatility ?? 0.001,
          length: opts.length ?? 10_000,
          timeframeMs: tf,
          startTs: 0,
        }),
      ),
    );
    this.replay = new ReplayMarketData({
      series,
      clock: opts.clock,
      speed: opts.speed ?? 1,
      loop: true,
      timeframeMs: tf,
      warmupCandles: opts.warmupCandles ?? 0,
    });
  }

  timeframeMs(symbol: string): number {
    return this.replay.timeframeMs(symbol);
  }

  candles(symbol: string, limit: number): Promise<MarketDataResult<Candle[]>> {
    return this.replay.candles(symbol, limit);
  }

  ticker(symbol: string): Promise<MarketDataResult<TickerDTO>> {
    return this.replay.ticker(symbol);
  }
}
