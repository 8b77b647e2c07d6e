import * as fs from 'node:fs';
import { bundledCandleFile, readCandleFile } from '../market-data/candle-csv';
import { parseSettings } from '../settings';
import { tempDir } from '../testing';
import { runBacktest } from './run-backtest';

const candles = readCandleFile(bundledCandleFile());
const settings = (env: Record<string, string> = {}) => {
  const { dir, cleanup } = tempDir('cab-bt-');
  try {
    return parseSettings(env, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
  } finally {
    cleanup();
  }
};

describe('runBacktest: the live pipeline on a virtual clock', () => {
  // A quick strategy so one real day trades: the point is the machinery, not the edge.
  const params = { fastPeriod: 5, slowPeriod: 13, rsiPeriod: 7 };

  it('processes every candle, trades through the paper broker and reports it', async () => {
    const progress: number[] = [];
    const r = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params, settings: settings(), progressEvery: 500, onProgress: (d) => progress.push(d) });
    expect(r.summary.candles).toBe(1440);
    expect(progress[progress.length - 1]).toBe(1440);
    expect(r.summary.fills).toBeGreaterThan(0);
    expect(r.trades.every((f) => f.clientOrderId?.startsWith('t-'))).toBe(true);
    // Gate's fee currencies: base on buys, quote on sells.
    for (const f of r.trades) expect(f.feeCurrency).toBe(f.side === 'buy' ? 'BTC' : 'USDT');
    expect(r.equity.length).toBeGreaterThan(100);
    expect(r.summary.startEquity).toBe('10000');
    expect(Number(r.summary.exposure)).toBeGreaterThan(0);
  });

  it('is deterministic: the same inputs give byte-identical trade lists', async () => {
    const a = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params, settings: settings() });
    const b = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params, settings: settings() });
    expect(JSON.stringify(b.trades)).toBe(JSON.stringify(a.trades));
    expect(JSON.stringify(b.equity)).toBe(JSON.stringify(a.equity));
  });

  it('honours the settings it shares with paper trading (here: no more than 2 orders an hour)', async () => {
    const r = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params, settings: settings({ RISK_MAX_ORDERS_PER_HOUR: '2' }) });
    const perHour = new Map<number, number>();
    for (const f of r.trades) perHour.set(Math.floor(f.ts / 3_600_000), (perHour.get(Math.floor(f.ts / 3_600_000)) ?? 0) + 1);
    expect(Math.max(0, ...perHour.values())).toBeLessThanOrEqual(4);
  });

  // The fills repository answers at most 1,000 rows by default: a report must not stop there.
  it('reports every fill of a busy run, past a thousand', async () => {
    const days = [0, 1, 2, 3].flatMap((k) => candles.map((c) => ({ ...c, ts: c.ts + k * 86_400_000 })));
    const busy = settings({ RISK_LOSS_STREAK_MAX: '0', RISK_MAX_ORDERS_PER_HOUR: '0', RISK_DAILY_LOSS_LIMIT_QUOTE: '0' });
    const r = await runBacktest({ candles: days, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params: { fastPeriod: 2, slowPeriod: 3, rsiPeriod: 2, rsiBuyMax: 100 }, settings: busy });
    expect(r.trades.length).toBeGreaterThan(1000);
    expect(r.summary.fills).toBe(r.trades.length);
    expect(new Set(r.trades.map((f) => f.clientOrderId)).size).toBe(r.trades.length);
    expect(r.trades.every((f, i) => i === 0 || f.ts >= (r.trades[i - 1]?.ts ?? 0))).toBe(true);
    expect(r.trades[r.trades.length - 1]?.ts).toBeGreaterThan(days[3 * 1440]?.ts ?? Infinity);
  });

  it('refuses an unknown strategy or an empty range with a clear error', async () => {
    await expect(runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'nope', settings: settings() })).rejects.toThrow(/unknown name "nope"/);
    await expect(runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings: settings(), from: 0, to: 1 })).rejects.toThrow(/no candles/);
  });
});
