import type { BacktestReport, EquityPoint, StopLevel } from '@cab/application';
import type { Candle } from '@cab/domain';

/**
 * What the page's chart draws, as compact arrays (times in epoch seconds, the chart library's
 * UTCTimestamp). Chart-only values: floats are fine here (README.md, money rule: indicators and
 * charts may use float64); every figure a trader reads as money is in the tables, from decimals.
 */
export interface ChartData {
  /** Length of one chart bar, ms (the candles' own timeframe, or a coarser one for a long run). */
  barMs: number;
  /** The run's candle timeframe, ms, and how many candles the bars stand for. */
  candleMs: number;
  candles: number;
  /** [time, open, high, low, close] per bar, oldest first; a bar per bucket that has a candle. */
  bars: [number, number, number, number, number][];
  /** Whether `bars` are candles; false: the run's prices from its equity curve, one close per bar (no candles given). */
  ohlc: boolean;
  /** [time, equity] and [time, drawdown %] (≤ 0), on bar times. */
  equity: [number, number][];
  drawdown: [number, number][];
  /** The hard stop and the trailing stop per bar (aligned with `bars`); null while flat, off or not armed. */
  stop: (number | null)[];
  trail: (number | null)[];
  markers: ChartMarker[];
}

export interface ChartMarker {
  time: number;
  kind: 'entry' | 'exit' | 'open';
  /** Short label (the exit reason and the profit %). */
  text: string;
}

/** At most this many bars on the page: a year of 1m candles (525,600) becomes 17,520 bars of 30m. */
export const MAX_CHART_BARS = 20_000;

const MIN = 60_000;
/** Bar lengths a trader knows, tried in order. */
const LADDER = [MIN, 3 * MIN, 5 * MIN, 15 * MIN, 30 * MIN, 60 * MIN, 120 * MIN, 240 * MIN, 360 * MIN, 720 * MIN, 1440 * MIN, 3 * 1440 * MIN, 7 * 1440 * MIN];

/** The shortest bar, no shorter than a candle, that draws the span in at most `maxBars` bars. */
export function chartBarMs(candleMs: number, spanMs: number, maxBars = MAX_CHART_BARS): number {
  if (Math.ceil(spanMs / candleMs) <= maxBars) return candleMs;
  for (const b of LADDER) if (b > candleMs && b % candleMs === 0 && Math.ceil(spanMs / b) <= maxBars) return b;
  // Beyond the ladder (decades of 1m): whole multiples of a week.
  const week = LADDER[LADDER.length - 1] as number;
  return Math.ceil(spanMs / maxBars / week) * week;
}

/** Candles merged into bars of `barMs` (aligned on epoch multiples): first open, highest high, lowest low, last close. */
export function downsample(candles: readonly Candle[], barMs: number): ChartData['bars'] {
  const out: ChartData['bars'] = [];
  let cur: [number, number, number, number, number] | null = null;
  let curStart = Number.NaN;
  for (const c of candles) {
    const start = Math.floor(c.ts / barMs) * barMs;
    if (cur && start === curStart) {
      if (c.high > cur[2]) cur[2] = c.high;
      if (c.low < cur[3]) cur[3] = c.low;
      cur[4] = c.close;
      continue;
    }
    cur = [start / 1000, c.open, c.high, c.low, c.close];
    curStart = start;
    out.push(cur);
  }
  return out;
}

/**
 * Index of the bar an event at `ts` is drawn on: events (fills, equity) are stamped at a candle's
 * close, so an event at ts belongs to the candle before it (ts − 1 ms); then the last bar at or
 * before that, or the first bar.
 */
function barIndex(times: readonly number[], ts: number): number {
  const t = (ts - 1) / 1000;
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0 || t < (times[0] as number)) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((times[mid] as number) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const EXIT_LABEL: Record<string, string> = { signal: 'sell', 'EXIT.STOP_LOSS': 'stop', 'EXIT.TRAILING_STOP': 'trail', 'EXIT.TAKE_PROFIT': 'take-profit' };

/** Everything the chart shows, on at most MAX_CHART_BARS bars. `candles`: the run's (those outside from–to are left out). */
export function chartData(r: BacktestReport, candles: readonly Candle[] | undefined, maxBars = MAX_CHART_BARS): ChartData {
  const s = r.summary;
  const traded = (candles ?? []).filter((c) => c.ts >= s.from && c.ts < s.to);
  const candleMs = s.timeframeMs > 0 ? s.timeframeMs : MIN;
  const barMs = chartBarMs(candleMs, Math.max(candleMs, s.to - s.from), maxBars);
  let bars: ChartData['bars'];
  const ohlc = traded.length > 0;
  if (ohlc) bars = downsample(traded, barMs);
  else bars = pricesAsBars(r.equity, barMs);
  const times = bars.map((b) => b[0]);

  const equity: ChartData['equity'] = [];
  const drawdown: ChartData['drawdown'] = [];
  let peak = Number.NEGATIVE_INFINITY;
  for (const p of r.equity) {
    const e = Number(p.equity);
    if (e > peak) peak = e;
    const dd = peak > 0 ? (e / peak - 1) * 100 : 0;
    const t = times[barIndex(times, p.ts)] as number;
    const lastE = equity[equity.length - 1];
    const lastD = drawdown[drawdown.length - 1];
    if (lastE && lastE[0] === t && lastD) {
      lastE[1] = e; // the bar's last equity
      if (dd < lastD[1]) lastD[1] = dd; // and its deepest drawdown
    } else {
      equity.push([t, e]);
      drawdown.push([t, dd]);
    }
  }

  const { stop, trail } = stopLines(r.stopLevels, times);
  const markers: ChartMarker[] = [];
  // Nothing to put markers on without a single bar (no candles given and an empty curve).
  for (const t of times.length > 0 ? r.closedTrades : []) {
    markers.push({ time: times[barIndex(times, t.openedTs)] as number, kind: 'entry', text: 'buy' });
    markers.push({
      time: times[barIndex(times, t.closedTs)] as number,
      kind: 'exit',
      text: `${EXIT_LABEL[t.exitReason] ?? t.exitReason} ${Number(t.pnlPct).toFixed(2)}%`,
    });
  }
  if (r.openTrade && times.length > 0) markers.push({ time: times[barIndex(times, r.openTrade.openedTs)] as number, kind: 'open', text: 'buy (open)' });
  // The library wants markers in time order; a stable sort keeps an entry before its exit on one bar.
  markers.sort((a, b) => a.time - b.time);
  return { barMs, candleMs, candles: traded.length, bars, ohlc, equity, drawdown, stop, trail, markers };
}

/** Without candles: the run's price (the equity curve's, at each sample) as one-price bars. */
function pricesAsBars(points: readonly EquityPoint[], barMs: number): ChartData['bars'] {
  const out: ChartData['bars'] = [];
  for (const p of points) {
    const t = Math.floor((p.ts - 1) / barMs) * (barMs / 1000);
    const last = out[out.length - 1];
    if (last && last[0] === t) {
      last[2] = Math.max(last[2], p.price);
      last[3] = Math.min(last[3], p.price);
      last[4] = p.price;
    } else out.push([t, p.price, p.price, p.price, p.price]);
  }
  return out;
}

/**
 * The stop levels per bar: a bar shows the last level set during it, else the one carried in (a
 * step line needs a value on every bar it spans: a lone change would draw a dot). A bar in which
 * the position closed still shows its level, so the line reaches the exit marker.
 */
function stopLines(levels: readonly StopLevel[], times: readonly number[]): { stop: (number | null)[]; trail: (number | null)[] } {
  const stop: (number | null)[] = new Array<number | null>(times.length).fill(null);
  const trail: (number | null)[] = new Array<number | null>(times.length).fill(null);
  let carriedStop: number | null = null;
  let carriedTrail: number | null = null;
  let k = 0;
  for (let i = 0; i < times.length; i++) {
    let s = carriedStop;
    let t = carriedTrail;
    const next = times[i + 1];
    while (k < levels.length && (next === undefined || ((levels[k] as StopLevel).ts - 1) / 1000 < next)) {
      const l = levels[k++] as StopLevel;
      carriedStop = l.stop === null ? null : Number(l.stop);
      carriedTrail = l.trail === null ? null : Number(l.trail);
      if (carriedStop !== null) s = carriedStop;
      if (carriedTrail !== null) t = carriedTrail;
    }
    stop[i] = s;
    trail[i] = t;
  }
  return { stop, trail };
}
