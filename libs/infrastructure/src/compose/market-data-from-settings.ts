import type { MarketData } from '@cab/application';
import type { Clock } from '@cab/domain';
import { bundledCandleFile, inferTimeframeMs, readCandleFile } from '../market-data/candle-csv';
import { ExchangeMarketData } from '../market-data/exchange-market-data';
import { ReplayMarketData } from '../market-data/replay-market-data';
import { SyntheticMarketData } from '../market-data/synthetic-market-data';
import type { Settings } from '../settings';

/** Candles already closed when the replay starts, so the strategy can decide from the first tick. */
const WARMUP_CANDLES = 200;

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
 * BTC/USDT day, at REPLAY_SPEED, looping unless REPLAY_LOOP=false, the same series for every symbol; synthetic: a seeded walk.
 * exchange: Gate's public API through ccxt (EXCHANGE_API_URL applies), loaded lazily.
 */
export function marketDataFromSettings(settings: Settings, clock: Clock): MarketData {
  const { source, replayFile, replaySpeed } = settings.marketData;
  if (source === 'exchange') {
    return new ExchangeMarketData({ clock, timeoutMs: settings.http.timeoutSec * 1000, ...(settings.exchangeApi.url ? { apiUrl: settings.exchangeApi.url } : {}) });
  }
  if (source === 'synthetic') return new SyntheticMarketData({ symbols: settings.symbols, clock, speed: replaySpeed, warmupCandles: WARMUP_CANDLES });
  const candles = readCandleFile(replayFile ?? bundledCandleFile());
  const series = new Map(settings.symbols.map((s) => [s, candles] as const));
  return new ReplayMarketData({ series, clock, speed: replaySpeed, loop: settings.marketData.replayLoop, warmupCandles: Math.min(WARMUP_CANDLES, candles.length - 1), timeframeMs: inferTimeframeMs(candles) });
}
