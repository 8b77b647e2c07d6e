import * as fs from 'node:fs';
import { bundledCandleFile, readCandleFile } from '../../driven/market-data/candle-csv';
import { REPLAY_WARMUP_CANDLES } from '../../driven/market-data/replay-market-data';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
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

describe('runBacktest: the trading core on a virtual clock', () => {
  // A quick strategy so one real day trades: the point is the machinery, not the edge.
  const params = { fastPeriod: 5, slowPeriod: 13, rsiPeriod: 7 };

  it('processes every candle, trades through the paper broker and reports it', async () => {
    const progress: number[] = [];
    const r = await runBacktest({
      candles,
      symbol: 'BTC/USDT',
      strategy: 'ema_cross_rsi',
      params,
      settings: settings(),
      progressEvery: 500,
      onProgress: (d) => progress.push(d),
    });
    // The first REPLAY_WARMUP_CANDLES are history, as in the server's replay: 1440 − 200 traded.
    expect(r.summary.candles).toBe(1440 - REPLAY_WARMUP_CANDLES);
    expect(r.summary.from).toBe(candles[REPLAY_WARMUP_CANDLES]!.ts);
    expect(r.summary.warmupCandles).toBe(REPLAY_WARMUP_CANDLES);
    expect(progress[progress.length - 1]).toBe(1440 - REPLAY_WARMUP_CANDLES);
    expect(r.summary.fills).toBeGreaterThan(0);
    expect(r.trades.every((f) => f.clientOrderId?.startsWith('t-'))).toBe(true);
    // Gate's fee currencies: base on buys, quote on sells.
    for (const f of r.trades) expect(f.feeCurrency).toBe(f.side === 'buy' ? 'BTC' : 'USDT');
    expect(r.equity.length).toBeGreaterThan(100);
    expect(r.summary.startEquity).toBe('10000');
    // Exposure: the share of candles with an open round trip, from each buy to the sell that
    // closes it (the dust a sell leaves behind is not a position).
    let inMarket = 0;
    for (let i = REPLAY_WARMUP_CANDLES; i < candles.length; i++) {
      const close = candles[i]!.ts + 60_000;
      const last = r.trades.filter((f) => f.ts <= close).at(-1);
      if (last?.side === 'buy') inMarket++;
    }
    expect(inMarket).toBeGreaterThan(0);
    expect(r.summary.exposure).toBeCloseTo(inMarket / r.summary.candles, 4);
  });

  it("leaves the progress callback's time out of its own (a progress bar, the bench's GCs before a memory sample)", async () => {
    // The callback blocks for longer than this one-day run takes (a few ms; the ceiling is generous).
    const blockMs = 1500;
    let calls = 0;
    const r = await runBacktest({
      candles,
      symbol: 'BTC/USDT',
      strategy: 'ema_cross_rsi',
      params,
      settings: settings(),
      progressEvery: 1_000_000,
      onProgress: () => {
        calls++;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, blockMs);
      },
    });
    expect(calls).toBe(1);
    expect(r.summary.elapsedMs).toBeLessThan(blockMs);
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
    const r = await runBacktest({
      candles: days,
      symbol: 'BTC/USDT',
      strategy: 'ema_cross_rsi',
      params: { fastPeriod: 2, slowPeriod: 3, rsiPeriod: 2, rsiBuyMax: 100 },
      settings: busy,
    });
    expect(r.trades.length).toBeGreaterThan(1000);
    expect(r.summary.fills).toBe(r.trades.length);
    expect(new Set(r.trades.map((f) => f.clientOrderId)).size).toBe(r.trades.length);
    expect(r.trades.every((f, i) => i === 0 || f.ts >= (r.trades[i - 1]?.ts ?? 0))).toBe(true);
    expect(r.trades[r.trades.length - 1]?.ts).toBeGreaterThan(days[3 * 1440]?.ts ?? Infinity);
  });

  describe('warm-up: history the strategy sees but never trades on', () => {
    const at = 600;
    const from = candles[at]!.ts;

    it('candles before --from are history: the same trades after from as a run whose warm-up is those candles', async () => {
      const byFrom = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params, settings: settings(), from });
      const byWarmup = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params, settings: settings(), warmupCandles: at });
      expect(byFrom.summary.fills).toBeGreaterThan(0);
      expect(JSON.stringify(byWarmup.trades)).toBe(JSON.stringify(byFrom.trades));
      expect(JSON.stringify(byWarmup.equity)).toBe(JSON.stringify(byFrom.equity));
      // Nothing is decided on history: the first decision is at the close of the first traded candle.
      expect(Math.min(...byFrom.trades.map((t) => t.ts))).toBeGreaterThanOrEqual(from + 60_000);
      // The report covers the traded range only.
      expect(byFrom.summary).toMatchObject({ candles: 1440 - at, warmupCandles: at, from });
      expect(byFrom.equity[0]!.ts).toBe(from + 60_000);
    });

    it('only the history the strategy reads matters: less of it (still ≥ its window) gives the same trades', async () => {
      const full = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params, settings: settings(), from });
      // ema_cross_rsi with these params reads its last 4 × 13 + 1 = 53 candles.
      const short = await runBacktest({ candles: candles.slice(at - 60), symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params, settings: settings(), from });
      expect(JSON.stringify(short.trades)).toBe(JSON.stringify(full.trades));
    });

    it('without history the strategy first has to warm up: warmupCandles 0 trades from the very first candle it can', async () => {
      const none = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', params, settings: settings(), warmupCandles: 0 });
      expect(none.summary).toMatchObject({ candles: 1440, warmupCandles: 0, from: candles[0]!.ts });
      const withHistory = await runBacktest({
        candles: candles.slice(at),
        symbol: 'BTC/USDT',
        strategy: 'ema_cross_rsi',
        params,
        settings: settings(),
        warmupCandles: 0,
      });
      // 53 candles of the strategy's window must pass before a first signal can come.
      expect(Math.min(...withHistory.trades.map((t) => t.ts))).toBeGreaterThanOrEqual(candles[at + 52]!.ts + 60_000);
    });

    it('refuses a warm-up that leaves nothing to trade, or one that is not a whole number', async () => {
      const few = candles.slice(0, 50);
      await expect(runBacktest({ candles: few, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings: settings() })).rejects.toThrow(
        /no candles in the selected range after 50 candles of warm-up/,
      );
      await expect(runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings: settings(), warmupCandles: -1 })).rejects.toThrow(
        /warmupCandles: expected a whole number/,
      );
      await expect(runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings: settings(), warmupCandles: 10, from })).rejects.toThrow(
        /give it or from, not both/,
      );
      await expect(
        runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings: settings(), from: candles[1439]!.ts + 60_000 }),
      ).rejects.toThrow(/no candles in the selected range after 1440 candles of warm-up/);
    });
  });

  it('refuses an unknown strategy or an empty range with a clear error', async () => {
    await expect(runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'nope', settings: settings() })).rejects.toThrow(
      /strategy "nope": not a built-in \(ema_cross_rsi, mean_reversion\)/,
    );
    await expect(runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings: settings(), from: 0, to: 1 })).rejects.toThrow(/no candles/);
  });
});
