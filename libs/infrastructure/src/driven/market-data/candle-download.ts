import type { Candle } from '@cab/domain';
import type { CandleRepository, CandleSeriesKey } from '@cab/application';

/** The one ccxt method a download needs (ccxt's own signature), so tests can pass any source. */
export interface OhlcvSource {
  fetchOHLCV(symbol: string, timeframe?: string, since?: number, limit?: number): Promise<(number | undefined)[][]>;
}

export interface DownloadOptions {
  symbol: string;
  /** ccxt timeframe: 1m, 5m, 1h … */
  timeframe: string;
  /** First open time wanted, epoch ms. */
  since: number;
  /** Exclusive end, epoch ms; defaults to `now`. */
  until?: number;
  /** Current time: the still-open candle (ts + timeframe > now) is never kept. */
  now: number;
  /** Bars per request (Gate answers at most 1000). */
  pageLimit?: number;
  /** Called after each page, for a progress line. */
  onPage?: (got: number, lastTs: number) => void;
  /**
   * A page that failed for a reason that may pass (a 5xx, a timeout, the market load behind it) is
   * asked again, `attempts` times in all, `delayMs` × attempt apart: a one-off venue hiccup must
   * not end a long download. Default: one attempt.
   */
  retry?: { attempts: number; delayMs: number; retryable: (e: unknown) => boolean; sleep?: (ms: number) => Promise<void> };
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function timeframeToMs(timeframe: string): number {
  const m = /^(\d+)([smhdw])$/.exec(timeframe);
  const unit = m ? UNIT_MS[m[2] as string] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) throw new RangeError(`not a timeframe like 1m, 5m, 1h, 1d: ${JSON.stringify(timeframe)}`);
  return Number(m[1]) * unit;
}

/**
 * Downloads closed candles page by page from `since` to `until` through ccxt's fetchOHLCV.
 * Pages may overlap or come back short; bars are deduplicated by open time and kept ascending.
 * Stops on an empty page or one that makes no progress, so a venue with a hole cannot loop forever.
 */
export async function downloadCandles(source: OhlcvSource, opts: DownloadOptions): Promise<Candle[]> {
  const tf = timeframeToMs(opts.timeframe);
  const until = Math.min(opts.until ?? opts.now, opts.now);
  const limit = opts.pageLimit ?? 1000;
  const out: Candle[] = [];
  let cursor = opts.since;
  while (cursor < until) {
    const page = await fetchPage(source, opts, cursor, limit);
    let progressed = false;
    for (const row of page) {
      const [ts, open, high, low, close, volume] = row as number[];
      if (ts === undefined || open === undefined || high === undefined || low === undefined || close === undefined) continue;
      if (ts < cursor || ts >= until || ts + tf > opts.now) continue;
      const last = out[out.length - 1];
      if (last && ts <= last.ts) continue;
      out.push({ ts, open, high, low, close, volume: volume ?? 0 });
      progressed = true;
    }
    const last = out[out.length - 1];
    opts.onPage?.(out.length, last?.ts ?? cursor);
    if (!progressed || !last) break;
    cursor = last.ts + tf;
  }
  return out;
}

async function fetchPage(source: OhlcvSource, opts: DownloadOptions, since: number, limit: number): Promise<(number | undefined)[][]> {
  const attempts = Math.max(1, opts.retry?.attempts ?? 1);
  const sleep = opts.retry?.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await source.fetchOHLCV(opts.symbol, opts.timeframe, since, limit);
    } catch (e) {
      if (!opts.retry || attempt >= attempts || !opts.retry.retryable(e)) throw e;
      await sleep(opts.retry.delayMs * attempt);
    }
  }
}

/** Stores candles in chunks (one transaction each in the SQL adapter); returns how many were written. */
export async function importCandles(repo: CandleRepository, key: CandleSeriesKey, candles: readonly Candle[], chunk = 5_000): Promise<number> {
  let written = 0;
  for (let i = 0; i < candles.length; i += chunk) written += await repo.upsert(key, candles.slice(i, i + chunk));
  return written;
}
