import { str, ZERO, type Decimal } from '@cab/domain';
import { INTERVALS } from '../engine/candles';
import type { LiveCandle } from '../engine/price-feed';
import { badParam } from '../gate-error';
import { intParam, need, type Route } from './types';

/** Gate's row: [t_sec, quote_vol, close, high, low, open, base_vol, window_closed]. */
function row(c: { ts: number; open: Decimal; high: Decimal; low: Decimal; close: Decimal; volume: Decimal; closed: boolean }): string[] {
  return [String(c.ts / 1000), str(c.volume.times(c.close)), str(c.close), str(c.high), str(c.low), str(c.open), str(c.volume), String(c.closed)];
}

/** Groups 1-minute candles into buckets of `ms` (open time a multiple of the interval). */
function aggregate(minutes: LiveCandle[], ms: number): LiveCandle[] {
  const out: LiveCandle[] = [];
  for (const m of minutes) {
    const ts = Math.floor(m.ts / ms) * ms;
    const cur = out[out.length - 1];
    if (cur && cur.ts === ts) {
      if (m.high.gt(cur.high)) cur.high = m.high;
      if (m.low.lt(cur.low)) cur.low = m.low;
      cur.close = m.close;
      cur.volume = cur.volume.plus(m.volume);
      cur.closed = m.closed;
    } else {
      out.push({ ...m, ts, volume: m.volume.plus(ZERO) });
    }
  }
  return out;
}

/** Bounds the work per request (a fixed-price pair makes its flat candles on demand). */
const MAX_MINUTES = 50_000;

export const candleRoutes: Route[] = [
  {
    method: 'GET',
    path: '/spot/candlesticks',
    private: false,
    handle: (req, { exchange, now }) => {
      const pair = exchange.pair(need(req.query, 'currency_pair'));
      const interval = req.query.get('interval') ?? '30m';
      const secs = INTERVALS[interval];
      if (!secs || secs < 60) throw badParam(`invalid argument: interval ${interval}`);
      const ms = secs * 1000;
      const from = req.query.get('from');
      const to = req.query.get('to');
      const limit = intParam(req.query, 'limit', 100, 1000);
      const feed = exchange.feed(pair.id);
      // Enough minutes for the window asked for; the file itself caps how far back there is data.
      const wantBars = from ? Math.ceil((now() - Number(from) * 1000) / ms) + 1 : limit;
      const minutes = feed.minuteCandles(Math.min(Math.min(Math.max(1, wantBars), 1000) * (ms / 60_000), MAX_MINUTES));
      let bars = aggregate(minutes, ms);
      if (from) bars = bars.filter((b) => b.ts >= Number(from) * 1000);
      if (to) bars = bars.filter((b) => b.ts <= Number(to) * 1000);
      if (!from) bars = bars.slice(-limit);
      return bars.map(row);
    },
  },
];
