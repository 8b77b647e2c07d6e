import type { BrokerResult, FillDTO } from '@cab/application';
import { BROKER_CODE } from './errors';

/** Gate's largest page of GET /spot/my_trades (its default is 100). */
export const TRADES_PAGE = 1000;

/**
 * Gate refuses a my_trades range longer than 30 days, and answers a range it is not given in full
 * with 7 days (only `from`: the 7 days after it): every request names both ends, over windows of
 * 29 days, a day short of the limit so that rounding to seconds never pushes one over it.
 */
export const TRADES_WINDOW_MS = 29 * 86_400_000;

/** Without a `since`: the last 7 days, what Gate answers to no range. */
export const TRADES_DEFAULT_LOOKBACK_MS = 7 * 86_400_000;

/** Requests one read may make before it gives up loudly: 50 pages is 50,000 fills. */
export const MAX_TRADE_REQUESTS = 50;

/** One request: a time window (both ends, epoch ms) and a 1-based page of it. */
export interface TradePageRequest {
  fromMs: number;
  toMs: number;
  page: number;
}

export interface TradePagesOptions {
  /** Read fills from this time; none = the last 7 days. */
  sinceMs?: number;
  /**
   * Our clock: where the last window ends. A fill Gate stamps later (its clock may be ahead of ours
   * by up to the 60 s its signatures allow) is read by the reconciler's next pass, which starts a
   * minute before this one.
   */
  nowMs: number;
  fetchPage: (req: TradePageRequest) => Promise<BrokerResult<FillDTO[]>>;
  pageSize?: number;
  maxRequests?: number;
}

/**
 * Every fill since `sinceMs`, however many pages and windows that takes, each once (by trade id),
 * oldest first. Gate lists newest first; trades that arrive while we page push older rows down
 * onto the next page, so a row can repeat (dropped here) but none is skipped. A page shorter than
 * `pageSize` ends its window. More than `maxRequests` requests is an error, never a silently
 * shorter list: the reconciler counts a missing trade as proof that an order never filled.
 * Nothing is filtered here by the fill's own time: Gate selects by the ORDER's finish time, so a
 * window may rightly hold a fill from before its start (an order that filled, then finished later).
 */
export async function readTradePages(opts: TradePagesOptions): Promise<BrokerResult<FillDTO[]>> {
  const pageSize = opts.pageSize ?? TRADES_PAGE;
  const maxRequests = opts.maxRequests ?? MAX_TRADE_REQUESTS;
  const byId = new Map<string, FillDTO>();
  let requests = 0;
  for (const window of tradeWindows(opts.sinceMs, opts.nowMs)) {
    for (let page = 1; ; page++) {
      if (++requests > maxRequests) {
        return {
          ok: false,
          error: {
            kind: 'retryable',
            code: BROKER_CODE.TRADES_TOO_MANY,
            message: `more than ${maxRequests} pages of ${pageSize} trades${opts.sinceMs === undefined ? '' : ` since ${new Date(opts.sinceMs).toISOString()}`}: not all were read`,
          },
        };
      }
      const r = await opts.fetchPage({ ...window, page });
      if (!r.ok) return r;
      for (const f of r.value) byId.set(f.id, f);
      if (r.value.length < pageSize) break;
    }
  }
  return { ok: true, value: [...byId.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

/**
 * The windows covering [since, now]: consecutive spans of at most TRADES_WINDOW_MS that
 * overlap by a second (the venue rounds to seconds; repeats are dropped by id). None when `since`
 * is past the end: no fill can be that recent.
 */
export function tradeWindows(sinceMs: number | undefined, nowMs: number): { fromMs: number; toMs: number }[] {
  const end = nowMs;
  const out: { fromMs: number; toMs: number }[] = [];
  let from = sinceMs ?? nowMs - TRADES_DEFAULT_LOOKBACK_MS;
  while (end - from > TRADES_WINDOW_MS) {
    out.push({ fromMs: from, toMs: from + TRADES_WINDOW_MS });
    from += TRADES_WINDOW_MS - 1_000;
  }
  if (from <= end) out.push({ fromMs: from, toMs: end });
  return out;
}
