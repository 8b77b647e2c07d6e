// One portfolio over several symbols on one clock (runPortfolioBacktest), on real candles in the repo.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dec } from '@cab/domain';
import type { Settings } from '../../settings';
import { bundledCandleFile, readCandleFile } from '../../driven/market-data/candle-csv';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
import { runPortfolioBacktest, type PortfolioReport } from './portfolio-backtest';
import { runBacktest } from './run-backtest';

const FIXTURES = path.resolve(__dirname, '../../../assets/fixtures');
const btc = readCandleFile(path.join(FIXTURES, 'btc_usdt-1m-binance-2021-05-19.csv.gz'));
const eth = readCandleFile(path.join(FIXTURES, 'eth_usdt-1m-binance-2021-05-19.csv.gz'));
const datasets = [
  { symbol: 'BTC/USDT', candles: btc },
  { symbol: 'ETH/USDT', candles: eth },
];
// A quick strategy so one day trades often on both: the point is the machinery, not the edge.
const quick = { strategy: 'ema_cross_rsi', params: { fastPeriod: 5, slowPeriod: 13, rsiPeriod: 7 } };

function settings(env: Record<string, string> = {}): Settings {
  const { dir, cleanup } = tempDir('cab-portfolio-');
  try {
    // Cooldowns and pauses off: the portfolio limits are what these specs look at.
    return parseSettings(
      { RISK_LOSS_STREAK_MAX: '0', RISK_DAILY_LOSS_LIMIT_QUOTE: '0', RISK_MAX_ORDERS_PER_HOUR: '0', ...env },
      { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
    );
  } finally {
    cleanup();
  }
}

/** The most positions open at once, replaying the fills in time order (a buy opens, a sell closes its symbol's). */
function maxOpenAtOnce(r: PortfolioReport): number {
  const open = new Set<string>();
  let max = 0;
  for (const f of r.trades) {
    if (f.side === 'buy') open.add(f.symbol);
    else open.delete(f.symbol);
    max = Math.max(max, open.size);
  }
  return max;
}

describe('runPortfolioBacktest', () => {
  it('with one symbol makes exactly the single-symbol backtest fills (the same core, the same clock)', async () => {
    const candles = readCandleFile(bundledCandleFile());
    const s = settings();
    const one = await runBacktest({ candles, symbol: 'BTC/USDT', ...quick, settings: s });
    const many = await runPortfolioBacktest({ datasets: [{ symbol: 'BTC/USDT', candles }], ...quick, settings: s });
    expect(one.trades.length).toBeGreaterThan(4);
    expect(many.trades).toEqual(one.trades);
    const { elapsedMs: _a, candlesPerSecond: _b, ...a } = one.summary;
    const { elapsedMs: _c, candlesPerSecond: _d, ...b } = many.summary;
    expect(b).toEqual(a);
  });

  it('trades two symbols as one portfolio on one clock: each symbol its own strategy state, one shared quote balance', async () => {
    const r = await runPortfolioBacktest({ datasets, ...quick, settings: settings() });
    expect(r.summary.symbol).toBe('BTC/USDT,ETH/USDT');
    expect(r.symbols.map((s) => s.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    for (const s of r.symbols) expect(s.trades).toBeGreaterThan(0);
    expect(r.summary.trades).toBe(r.symbols[0]!.trades + r.symbols[1]!.trades);
    expect(r.summary.fills).toBe(r.trades.length);
    // One clock: the fills of both symbols interleave in time order.
    expect(r.trades.map((f) => f.ts)).toEqual([...r.trades.map((f) => f.ts)].sort((x, y) => x - y));
    expect(maxOpenAtOnce(r)).toBe(2);
    // Both traded candles, one equity curve over the day after the warm-up.
    expect(r.summary.candles).toBe(2 * (1440 - 200));
    expect(r.equity.length).toBeGreaterThan(100);
  });

  it('compares with buying and holding the basket: the start equity spread evenly over the symbols, first traded open to last close', async () => {
    const r = await runPortfolioBacktest({ datasets, ...quick, settings: settings() });
    // The warm-up is the first 200 candles of each file (the strategy's), so the traded open is the 201st.
    const growth = (c: typeof btc) => dec(String(c[c.length - 1]!.close)).div(dec(String(c[200]!.open)));
    const start = dec(r.summary.startEquity);
    const expected = start
      .div(dec('2'))
      .times(growth(btc))
      .plus(start.div(dec('2')).times(growth(eth)));
    expect(dec(r.buyAndHold.endEquity).minus(expected).abs().lt(dec('1e-9'))).toBe(true);
    // The day of the May 2021 crash: the basket lost, and the figure says so.
    expect(dec(r.buyAndHold.pnl).lt(dec('0'))).toBe(true);
    expect(r.buyAndHold.entryPrice).toBe('1');
  });

  it('applies RISK_MAX_OPEN_POSITIONS across the symbols', async () => {
    const r = await runPortfolioBacktest({ datasets, ...quick, settings: settings({ RISK_MAX_OPEN_POSITIONS: '1' }) });
    expect(r.summary.trades).toBeGreaterThan(0);
    expect(maxOpenAtOnce(r)).toBe(1);
  });

  it('applies RISK_MAX_TOTAL_EXPOSURE_QUOTE across the symbols (one entry of FIXED_AMOUNT 25 fits in 40, two do not)', async () => {
    const r = await runPortfolioBacktest({ datasets, ...quick, settings: settings({ RISK_MAX_TOTAL_EXPOSURE_QUOTE: '40' }) });
    expect(r.summary.trades).toBeGreaterThan(0);
    expect(maxOpenAtOnce(r)).toBe(1);
  });

  it('refuses a symbol the venue does not know, one file twice, and different timeframes', async () => {
    const s = settings();
    await expect(runPortfolioBacktest({ datasets: [...datasets, { symbol: 'DOGE/USDT', candles: eth }], ...quick, settings: s })).rejects.toThrow(
      'DOGE/USDT: the simulated venue has no such market',
    );
    await expect(runPortfolioBacktest({ datasets: [datasets[0]!, datasets[0]!], ...quick, settings: s })).rejects.toThrow(
      'BTC/USDT: two candle files for one symbol',
    );
    const hourly = eth.filter((c) => c.ts % 3_600_000 === 0);
    await expect(
      runPortfolioBacktest({ datasets: [datasets[0]!, { symbol: 'ETH/USDT', candles: hourly }], ...quick, warmupCandles: 2, settings: s }),
    ).rejects.toThrow('ETH/USDT: candles of 60 min, the others 1 min; one timeframe for every symbol');
  });
});
