import type { MarketData } from '@cab/application';
import type { Clock } from '@cab/domain';
import { bundledCandleFile, inferTimeframeMs, readCandleFile } from '../market-data/candle-csv';
import { ExchangeMarketData } from '../market-data/exchange-market-data';
import { REPLAY_WARMUP_CANDLES, ReplayMarketData } from '../market-data/replay-market-data';
import { SyntheticMarketData } from '../market-data/synthetic-market-data';
import type { Settings } from '../settings';

/** Given the file's time at which a replay starts (the close of its first candle to trade on), the clock the replay runs on. */
export type ReplayClockFactory = (fileStartMs: number) => Clock;

export class ComposeError extends Error {
  constructor(
    readonly code: 'COMPOSE.MARKET_DATA' | 'COMPOSE.LOCK_REFUSED' | 'COMPOSE.LIVE_KEYS' | 'COMPOSE.STRATEGY' | 'COMPOSE.CONFIG',
    message: string,
  ) {
    super(message);
    this.name = 'ComposeError';
  }
}

/**
 * MARKET_DATA → a MarketData source on the pipeline clock. replay: REPLAY_FILE or the bundled real
 * BTC/USDT day, at REPLAY_SPEED, looping unless REPLAY_LOOP=false, the same series for every symbol,
 * REPLAY_WARMUP_CANDLES of history and the first candle to trade on closed at start; synthetic: a seeded walk.
 * exchange: Gate's public API through ccxt (EXCHANGE_API_URL applies), loaded lazily.
 */
export function marketDataFromSettings(settings: Settings, clock: Clock, replayClock?: ReplayClockFactory): MarketData {
  const { source, replayFile, replaySpeed } = settings.marketData;
  if (source === 'exchange') {
    return new ExchangeMarketData({ clock, timeoutMs: settings.http.timeoutSec * 1000, ...(settings.exchangeApi.url ? { apiUrl: settings.exchangeApi.url } : {}) });
  }
  if (source === 'synthetic') return new SyntheticMarketData({ symbols: settings.symbols, clock, speed: replaySpeed, warmupCandles: REPLAY_WARMUP_CANDLES });
  const candles = readCandleFile(replayFile ?? bundledCandleFile());
  const series = new Map(settings.symbols.map((s) => [s, candles] as const));
  const timeframeMs = inferTimeframeMs(candles);
  const warmupCandles = Math.min(REPLAY_WARMUP_CANDLES, candles.length - 1);
  // On its own clock (candle time) the replay runs at speed 1: REPLAY_SPEED is in that clock.
  const own = replayClock?.((candles[warmupCandles] as (typeof candles)[number]).ts + timeframeMs);
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
    anchorMs: onClock.now() - timeframeMs / speed,
    timeframeMs,
  });
}
