import type { Candle } from '@cab/domain';

/** Where candles are kept: for warm-up after a restart, backtests and the dashboard. */
export interface CandleSeriesKey {
  exchange: string;
  symbol: string;
  /** ccxt timeframe: "1m", "5m", "1h". */
  timeframe: string;
}

export interface CandleRepository {
  /** Inserts or replaces bars by open time (the last, still-open bar changes); returns how many were written. */
  upsert(key: CandleSeriesKey, candles: readonly Candle[]): Promise<number>;
  /** Bars with from <= ts < to, oldest first. */
  range(key: CandleSeriesKey, from: number, to: number, limit?: number): Promise<Candle[]>;
  /** The newest `count` bars, oldest first. */
  latest(key: CandleSeriesKey, count: number): Promise<Candle[]>;
}
