import * as fs from 'node:fs';
import type { BacktestReport } from '@cab/application';
import { bundledCandleFile, readCandleFile } from '../market-data/candle-csv';
import { parseSettings } from '../settings';
import { tempDir } from '../testing';
import type { BacktestOptions } from './backtest-options';
import { runCoreBacktest } from './core-backtest';
import { runLoopBacktest } from './loop-backtest';

const candles = readCandleFile(bundledCandleFile());
const settings = (env: Record<string, string> = {}) => {
  const { dir, cleanup } = tempDir('cab-parity-');
  try {
    return parseSettings(env, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
  } finally {
    cleanup();
  }
};

/** What must be identical between the two paths: every fill as the report lists it (ids aside: each path numbers its own). */
const fillsOf = (r: BacktestReport) =>
  r.trades.map((f) => ({
    ts: f.ts,
    side: f.side,
    price: f.price,
    amount: f.amount,
    cost: f.cost,
    fee: f.fee,
    feeCurrency: f.feeCurrency,
    reason: f.reason,
    clientOrderId: f.clientOrderId,
  }));
/** The summary without the timings, and the equity curve. */
const resultOf = (r: BacktestReport) => {
  const { elapsedMs: _e, candlesPerSecond: _c, ...summary } = r.summary;
  return { summary, equity: r.equity };
};

/**
 * The gate of the trading core (docs/core.md): the core driven by a backtest makes exactly the
 * fills, reasons, equity and summary of the loop pipeline on a virtual clock, on the bundled day,
 * with the default settings and with settings that trade a lot (every risk limit that stops
 * trading off, quick strategies).
 */
describe('the core backtest = the loop backtest', () => {
  const cases: [string, Omit<BacktestOptions, 'candles' | 'symbol'>][] = [
    ['default strategy and settings', { strategy: 'ema_cross_rsi', settings: settings() }],
    ['a quick ema_cross_rsi', { strategy: 'ema_cross_rsi', params: { fastPeriod: 5, slowPeriod: 13, rsiPeriod: 7 }, settings: settings() }],
    [
      'a trade-heavy ema_cross_rsi, no order cap, no loss streak, no daily loss',
      {
        strategy: 'ema_cross_rsi',
        params: { fastPeriod: 2, slowPeriod: 3, rsiPeriod: 2, rsiBuyMax: 100 },
        settings: settings({ RISK_LOSS_STREAK_MAX: '0', RISK_MAX_ORDERS_PER_HOUR: '0', RISK_DAILY_LOSS_LIMIT_QUOTE: '0' }),
      },
    ],
    ['mean_reversion, no order cap', { strategy: 'mean_reversion', settings: settings({ RISK_MAX_ORDERS_PER_HOUR: '0' }) }],
    [
      'tight exits: hard stops, trailing stops and take-profits fire',
      {
        strategy: 'ema_cross_rsi',
        settings: settings({
          EXIT_STOP_PCT: '0.001',
          EXIT_TRAIL_ACTIVATE_PCT: '0.003',
          EXIT_TRAIL_PCT: '0.001',
          EXIT_TAKE_PROFIT_PCT: '0.006',
          RISK_MAX_ORDERS_PER_HOUR: '0',
          RISK_LOSS_STREAK_MAX: '0',
        }),
      },
    ],
    [
      'tight exits without a take-profit: the trail rides new peaks',
      {
        strategy: 'ema_cross_rsi',
        settings: settings({
          EXIT_STOP_PCT: '0.003',
          EXIT_TRAIL_ACTIVATE_PCT: '0.002',
          EXIT_TRAIL_PCT: '0.0015',
          RISK_MAX_ORDERS_PER_HOUR: '0',
          RISK_LOSS_STREAK_MAX: '0',
        }),
      },
    ],
    [
      'the default limits binding (order cap 2 an hour)',
      {
        strategy: 'ema_cross_rsi',
        params: { fastPeriod: 2, slowPeriod: 3, rsiPeriod: 2, rsiBuyMax: 100 },
        settings: settings({ RISK_MAX_ORDERS_PER_HOUR: '2' }),
      },
    ],
  ];

  it.each(cases)('%s', async (_name, o) => {
    const opts: BacktestOptions = { candles, symbol: 'BTC/USDT', ...o };
    const loop = await runLoopBacktest(opts);
    const core = await runCoreBacktest(opts);
    expect(fillsOf(core)).toEqual(fillsOf(loop));
    expect(resultOf(core)).toEqual(resultOf(loop));
  });

  // The replay is by index: a gap is not a pause in time. The loops' strategy starts over after a
  // gap (StrategyFeeds), candles after a gap in the history are shown moved onto the clock, and
  // the last candle is evaluated again until the clock reaches its close.
  it('the same on a file with gaps, in the history and in the traded range', async () => {
    const gappy = candles.filter((_, i) => !(i >= 100 && i < 103) && !(i >= 700 && i < 705) && i !== 1000);
    const quick = { strategy: 'ema_cross_rsi', params: { fastPeriod: 5, slowPeriod: 13, rsiPeriod: 7 }, settings: settings() };
    for (const o of [cases[0]![1], quick]) {
      const opts: BacktestOptions = { candles: gappy, symbol: 'BTC/USDT', ...o };
      const loop = await runLoopBacktest(opts);
      const core = await runCoreBacktest(opts);
      expect(fillsOf(core)).toEqual(fillsOf(loop));
      expect(resultOf(core)).toEqual(resultOf(loop));
      expect(core.trades.length).toBeGreaterThan(0);
    }
  });

  it('trades in every case above, and each exit fires somewhere (a parity of nothing proves nothing)', async () => {
    const reasons = new Set<string>();
    for (const [, o] of cases) {
      const r = await runCoreBacktest({ candles, symbol: 'BTC/USDT', ...o });
      expect(r.trades.length).toBeGreaterThan(0);
      for (const f of r.trades) reasons.add((f.reason ?? '').split(':')[0] ?? '');
    }
    expect([...reasons].sort()).toEqual(['exit EXIT.STOP_LOSS', 'exit EXIT.TAKE_PROFIT', 'exit EXIT.TRAILING_STOP', 'signal']);
  });
});
