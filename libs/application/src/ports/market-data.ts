import type { Candle, Result } from '@cab/domain';
import type { TickerDTO } from './broker';

export type MarketDataError = { code: 'MARKET_DATA.UNAVAILABLE' | 'MARKET_DATA.UNKNOWN_SYMBOL'; message: string };
export type MarketDataResult<T> = Result<T, MarketDataError>;

/**
 * Where candles and quotes come from: the exchange's public API (live or paper on live prices),
 * a replayed CSV (paper demos, rehearsals, backtests) or a synthetic walk. Whatever the source,
 * what the pipeline sees is "the market now", with `now` taken from the injected Clock, so a
 * replay and a backtest look exactly like live trading to the strategy and the risk manager.
 */
export interface MarketData {
  /** "exchange", "replay", "synthetic": for health and logs. */
  readonly name: string;
  /** Length of one candle in the pipeline's time, ms. */
  timeframeMs(symbol: string): number;
  /** The last `limit` CLOSED candles at the current time, oldest first (fewer while history is short). */
  candles(symbol: string, limit: number): Promise<MarketDataResult<Candle[]>>;
  /** The current quote. */
  ticker(symbol: string): Promise<MarketDataResult<TickerDTO>>;
}
