import type { CandleRepository, CandleSeriesKey } from '@cab/application';
import { downloadCandles, timeframeToMs, type DownloadOptions, type OhlcvSource } from './candle-download';

export interface SyncOptions {
  /** First open time wanted, epoch ms (rounded down onto the timeframe). */
  since: number;
  /** Current time: the still-open candle is never stored. */
  now: number;
  /** Bars per request and per stored chunk (Gate answers at most 1000). */
  pageLimit?: number;
  retry?: DownloadOptions['retry'];
  /** After each stored chunk: how many were stored so far and the last open time. */
  onChunk?: (stored: number, lastTs: number) => void;
}

export interface SyncResult {
  /** Where this run started: after the last stored candle (a resumed run) or at `since`. */
  startedAt: number;
  resumed: boolean;
  /** Candles written by this run. */
  written: number;
}

/**
 * Brings a stored candle series up to date from `since`: starts after the newest stored candle
 * when it is already past `since` (so re-running an interrupted download continues where it
 * stopped), and stores each page as soon as it arrives (an interruption loses at most one page).
 * A page the venue answers empty (before a listing, a hole in its data) is stepped over, not
 * retried forever. Holes inside what is stored are not refetched: findCandleGaps reports them.
 */
export async function syncCandles(source: OhlcvSource, repo: CandleRepository, key: CandleSeriesKey, o: SyncOptions): Promise<SyncResult> {
  const tf = timeframeToMs(key.timeframe);
  const limit = o.pageLimit ?? 1000;
  const since = Math.floor(o.since / tf) * tf;
  const [newest] = await repo.latest(key, 1);
  const resumed = newest !== undefined && newest.ts >= since;
  const startedAt = resumed ? newest.ts + tf : since;
  let cursor = startedAt;
  let written = 0;
  while (cursor + tf <= o.now) {
    const until = Math.min(cursor + limit * tf, o.now);
    const page = await downloadCandles(source, {
      symbol: key.symbol,
      timeframe: key.timeframe,
      since: cursor,
      until,
      now: o.now,
      pageLimit: limit,
      ...(o.retry ? { retry: o.retry } : {}),
    });
    if (page.length > 0) {
      written += await repo.upsert(key, page);
      o.onChunk?.(written, (page[page.length - 1] as { ts: number }).ts);
    }
    const last = page[page.length - 1];
    cursor = last ? Math.max(last.ts + tf, until) : until;
  }
  return { startedAt, resumed, written };
}
