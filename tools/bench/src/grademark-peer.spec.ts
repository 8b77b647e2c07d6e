// The bench's grademark row must measure the default strategy's rules, not an empty loop: it trades
// on the bundled day, and on made-up prices each rule (entry filter, warm-up, hard stop, armed
// trail) does what ours does. No figure of speed is checked here.
import { EMA_CROSS_RSI_DEFAULTS, type Candle } from '@cab/domain';
import { bundledCandleFile, readCandleFile } from '@cab/infrastructure';
import { runPeer, type PeerExits } from './grademark-peer';

// EXIT_* defaults: 2 % hard stop, 0.5 % trail armed 1 % above entry.
const exits: PeerExits = { stopPct: 0.02, trailPct: 0.005, trailActivatePct: 0.01, takeProfitPct: 0 };
const HISTORY = 200;

/** Candles from closes: each opens at the previous close, high and low span the two. */
function series(closes: readonly number[]): Candle[] {
  let prev = closes[0] ?? 0;
  return closes.map((close, i) => {
    const open = prev;
    prev = close;
    return { ts: Date.UTC(2026, 0, 1) + i * 60_000, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 };
  });
}

/** A slow fall (fast EMA under slow), a steady rise of `bars` × `step` (the cross up), then a 10 % drop and a flat tail. */
function riseThenCrash(step: number, bars: number): number[] {
  const xs: number[] = [];
  for (let i = 0; i < 250; i++) xs.push(100 - 0.02 * i);
  for (let i = 0; i < bars; i++) xs.push((xs.at(-1) ?? 0) + step);
  xs.push((xs.at(-1) ?? 0) * 0.9);
  for (let i = 0; i < 5; i++) xs.push(xs.at(-1) ?? 0);
  return xs;
}

describe('grademark peer of the default strategy', () => {
  it('trades on the bundled day, after the warm-up only, and counts the candles after it', () => {
    const candles = readCandleFile(bundledCandleFile());
    const r = runPeer({ candles, params: EMA_CROSS_RSI_DEFAULTS, exits, history: HISTORY });
    expect(r.candles).toBe(candles.length - HISTORY);
    expect(r.trades.length).toBeGreaterThan(5);
    const firstTradable = candles[HISTORY]?.ts ?? NaN;
    for (const t of r.trades) {
      expect(t.entryTime.getTime()).toBeGreaterThan(firstTradable);
      expect(['exit-rule', 'stop-loss', 'finalize']).toContain(t.exitReason);
      // A stop never fills below the hard stop (the trail only ever raises it).
      if (t.exitReason === 'stop-loss') expect(t.exitPrice).toBeGreaterThanOrEqual(t.entryPrice * (1 - exits.stopPct) - 1e-9);
    }
    expect(r.trades.filter((t) => t.exitReason === 'exit-rule').length).toBeGreaterThan(0);
  });

  it('enters on the cross up at the next open and, before the trail arms, exits on the 2 % hard stop', () => {
    const candles = series(riseThenCrash(0.02, 15));
    const [t, ...more] = runPeer({ candles, params: EMA_CROSS_RSI_DEFAULTS, exits, history: HISTORY }).trades;
    expect(more).toEqual([]);
    expect(t?.exitReason).toBe('stop-loss');
    const entryBar = candles.find((c) => c.ts === t?.entryTime.getTime());
    expect(t?.entryPrice).toBe(entryBar?.open);
    expect(t?.exitPrice).toBeCloseTo((t?.entryPrice ?? NaN) * 0.98, 9);
  });

  it('keeps the stop 2 % under entry when the entry bar itself closes lower', () => {
    const xs = riseThenCrash(0.02, 15);
    const [first] = runPeer({ candles: series(xs), params: EMA_CROSS_RSI_DEFAULTS, exits, history: HISTORY }).trades;
    const entry = series(xs).findIndex((c) => c.ts === first?.entryTime.getTime());
    // Same prices up to the signal; the entry bar drops 0.5 % and the next one crashes.
    const dipped = [
      ...xs.slice(0, entry),
      (xs[entry - 1] ?? NaN) * 0.995,
      (xs[entry - 1] ?? NaN) * 0.9,
      ...Array<number>(5).fill((xs[entry - 1] ?? NaN) * 0.9),
    ];
    const [t, ...more] = runPeer({ candles: series(dipped), params: EMA_CROSS_RSI_DEFAULTS, exits, history: HISTORY }).trades;
    expect(more).toEqual([]);
    expect(t?.entryTime).toEqual(first?.entryTime);
    expect(t?.exitPrice).toBeCloseTo((t?.entryPrice ?? NaN) * 0.98, 9);
  });

  it('arms the trail 1 % above entry and then exits 0.5 % under the highest close', () => {
    const candles = series(riseThenCrash(0.05, 60));
    const [t, ...more] = runPeer({ candles, params: EMA_CROSS_RSI_DEFAULTS, exits, history: HISTORY }).trades;
    expect(more).toEqual([]);
    const held = candles.filter((c) => c.ts >= (t?.entryTime.getTime() ?? Infinity) && c.ts < (t?.exitTime.getTime() ?? -Infinity));
    const peak = Math.max(...held.map((c) => c.close));
    expect(peak).toBeGreaterThan((t?.entryPrice ?? NaN) * 1.01);
    expect(t?.exitReason).toBe('stop-loss');
    expect(t?.exitPrice).toBeCloseTo(peak * 0.995, 9);
  });

  it('skips a cross up while RSI is at or above rsiBuyMax', () => {
    const candles = series(riseThenCrash(0.3, 20));
    expect(runPeer({ candles, params: EMA_CROSS_RSI_DEFAULTS, exits, history: HISTORY }).trades).toEqual([]);
    expect(runPeer({ candles, params: { ...EMA_CROSS_RSI_DEFAULTS, rsiBuyMax: 100 }, exits, history: HISTORY }).trades).toHaveLength(1);
  });

  it('does not trade a cross inside the history', () => {
    const candles = series(riseThenCrash(0.02, 15));
    const [t] = runPeer({ candles, params: EMA_CROSS_RSI_DEFAULTS, exits, history: HISTORY }).trades;
    // The signal is the bar before the entry: make it the last bar of the history.
    const signal = candles.findIndex((c) => c.ts === t?.entryTime.getTime()) - 1;
    expect(signal).toBeGreaterThan(HISTORY);
    expect(runPeer({ candles, params: EMA_CROSS_RSI_DEFAULTS, exits, history: signal + 1 }).trades).toEqual([]);
  });
});
