import type { MarketData } from '@cab/application';
import type { Candle, Clock } from '@cab/domain';
import { bundledCandleFile, CandleFileError, inferTimeframeMs, readCandleFile } from '../../driven/market-data/candle-csv';
import { ExchangeMarketData } from '../../driven/market-data/exchange-market-data';
import { REPLAY_WARMUP_CANDLES, ReplayMarketData } from '../../driven/market-data/replay-market-data';
import { SyntheticMarketData } from '../../driven/market-data/synthetic-market-data';
import { BUNDLED_REPLAY_SYMBOL, type Settings } from '../../settings';

/**
 * Given the file's time at which a replay starts (the close of its first candle to trade on), the
 * clock the replay runs on; its `startMs` is where the replay is anchored.
 */
export type ReplayClockFactory = (fileStartMs: number) => Clock & { readonly startMs: number };

export class ComposeError extends Error {
  constructor(
    readonly code: 'COMPOSE.MARKET_DATA' | 'COMPOSE.LOCK_REFUSED' | 'COMPOSE.LIVE_KEYS' | 'COMPOSE.STRATEGY' | 'COMPOSE.CONFIG' | 'STORAGE.INTENT_LOG',
    message: string,
  ) {
    super(message);
    this.name = 'ComposeError';
  }
}

/**
 * MARKET_DATA → a MarketData source on the pipeline clock. replay: each symbol's own file
 * (REPLAY_FILE / REPLAY_FILES, else the bundled real BTC/USDT day), at REPLAY_SPEED, looping unless
 * REPLAY_LOOP=false, all files on one timeframe and one anchor,
 * REPLAY_WARMUP_CANDLES of history and the first candle to trade on closed at start; synthetic: a seeded walk.
 * exchange: Gate's public API through ccxt (EXCHANGE_API_URL applies), loaded lazily.
 */
export function marketDataFromSettings(settings: Settings, clock: Clock, replayClock?: ReplayClockFactory): MarketData {
  const { source, replaySpeed } = settings.marketData;
  if (source === 'exchange') {
    return new ExchangeMarketData({
      clock,
      timeoutMs: settings.http.timeoutSec * 1000,
      ...(settings.exchangeApi.url ? { apiUrl: settings.exchangeApi.url } : {}),
    });
  }
  if (source === 'synthetic') return new SyntheticMarketData({ symbols: settings.symbols, clock, speed: replaySpeed, warmupCandles: REPLAY_WARMUP_CANDLES });
  const series = new Map(settings.symbols.map((s) => [s, readReplayFile(settings.marketData.replayFiles[s] ?? replayFileOfOne(settings, s))] as const));
  const timeframes = new Map([...series].map(([s, candles]) => [s, inferTimeframeMs(candles)] as const));
  const timeframeMs = timeframes.values().next().value ?? 60_000;
  if ([...timeframes.values()].some((tf) => tf !== timeframeMs))
    throw new ComposeError(
      'COMPOSE.MARKET_DATA',
      `the replay files have different timeframes (${[...timeframes].map(([s, tf]) => `${s} ${tf / 1000} s`).join(', ')}); use one timeframe for every symbol`,
    );
  const shortest = Math.min(...[...series.values()].map((c) => c.length));
  const warmupCandles = Math.min(REPLAY_WARMUP_CANDLES, shortest - 1);
  // On its own clock (candle time) the replay runs at speed 1: REPLAY_SPEED is in that clock. The
  // clock follows the first symbol's file (with several files, their times should line up).
  const first = series.get(settings.symbols[0] as string) ?? [...series.values()][0];
  const own = first ? replayClock?.((first[warmupCandles] as (typeof first)[number]).ts + timeframeMs) : undefined;
  const onClock = own ?? clock;
  const speed = own ? 1 : replaySpeed;
  return new ReplayMarketData({
    series,
    clock: onClock,
    speed,
    loop: settings.marketData.replayLoop,
    warmupCandles,
    // The first candle after the warm-up has just closed when the bot starts, so its first
    // evaluation decides on that candle, as a backtest's does. Anchored at now instead, the first
    // evaluation (before that candle closes) would decide on the warm-up's last candle: history a
    // backtest never trades on.
    // On its own clock, from that clock's start itself: reading its now() a moment later could fall a
    // wall millisecond on (REPLAY_SPEED of them on the clock) and shift every candle's time.
    anchorMs: (own ? own.startMs : onClock.now()) - timeframeMs / speed,
    timeframeMs,
  });
}

/** A symbol without a file of its own: REPLAY_FILE (parsed settings only allow it for one symbol), else the bundled sample. */
function replayFileOfOne(settings: Settings, symbol: string): string {
  if (settings.marketData.replayFile !== null && settings.symbols.length === 1) return settings.marketData.replayFile;
  if (symbol !== BUNDLED_REPLAY_SYMBOL)
    throw new ComposeError('COMPOSE.MARKET_DATA', `no replay file for ${symbol}: the bundled sample is ${BUNDLED_REPLAY_SYMBOL} only (set REPLAY_FILES)`);
  return bundledCandleFile();
}

/** The settings checked the file; one changed or removed since is still a clear refusal, not a stack. */
function readReplayFile(file: string): Candle[] {
  try {
    return readCandleFile(file);
  } catch (e) {
    const why = e instanceof CandleFileError ? e.message : `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`;
    throw new ComposeError('COMPOSE.MARKET_DATA', `replay: ${why}`);
  }
}
