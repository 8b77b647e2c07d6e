// Records the loop pipeline's backtest on the parity cases as a golden fixture for core-parity.spec.ts.
//
// The loop pipeline was deleted after commit c18ae51 (docs/core.md); this script needs it, so it runs
// only on a checkout of that commit:
//
//   mkdir /tmp/cab-c18ae51 && git archive c18ae51 | tar -x -C /tmp/cab-c18ae51
//   cp tools/scripts/record-loop-parity.ts /tmp/cab-c18ae51/tools/scripts/ && ln -s "$PWD/node_modules" /tmp/cab-c18ae51/node_modules
//   (cd /tmp/cab-c18ae51 && npx tsx --tsconfig tsconfig.base.json tools/scripts/record-loop-parity.ts)
//   cp /tmp/cab-c18ae51/libs/infrastructure/src/driving/backtest/parity/loop-parity.golden.json libs/infrastructure/src/driving/backtest/parity/
//   npx prettier --write libs/infrastructure/src/driving/backtest/parity/loop-parity.golden.json   (then byte-identical to the committed one)
//
// The cases are data (strategy, params, env, gaps) so the spec rebuilds the same options from the
// fixture alone. Summaries are kept whole; the fills and the equity curve as their sha256, their
// length and their first points (readable in review, and a readable diff when the core drifts).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BacktestReport } from '@cab/application';
import { bundledCandleFile, readCandleFile } from '../../libs/infrastructure/src/driven/market-data/candle-csv';
import { parseSettings } from '../../libs/infrastructure/src/settings';
import type { BacktestOptions } from '../../libs/infrastructure/src/driving/backtest/backtest-options';

/** loop-backtest.ts exists only at c18ae51 and before: imported by path so this file still type-checks and lints without it. */
type LoopBacktest = (opts: BacktestOptions) => Promise<BacktestReport>;

interface ParityCase {
  name: string;
  strategy: string;
  params?: Record<string, unknown>;
  env: Record<string, string>;
  /** Drop candles 100–102, 700–704 and 1000 of the bundled day: gaps in the history and in the traded range. */
  gaps?: boolean;
}

const quick = { fastPeriod: 5, slowPeriod: 13, rsiPeriod: 7 };
const heavy = { fastPeriod: 2, slowPeriod: 3, rsiPeriod: 2, rsiBuyMax: 100 };
const cases: ParityCase[] = [
  { name: 'default strategy and settings', strategy: 'ema_cross_rsi', env: {} },
  { name: 'a quick ema_cross_rsi', strategy: 'ema_cross_rsi', params: quick, env: {} },
  {
    name: 'a trade-heavy ema_cross_rsi, no order cap, no loss streak, no daily loss',
    strategy: 'ema_cross_rsi',
    params: heavy,
    env: { RISK_LOSS_STREAK_MAX: '0', RISK_MAX_ORDERS_PER_HOUR: '0', RISK_DAILY_LOSS_LIMIT_QUOTE: '0' },
  },
  { name: 'mean_reversion, no order cap', strategy: 'mean_reversion', env: { RISK_MAX_ORDERS_PER_HOUR: '0' } },
  {
    name: 'tight exits: hard stops, trailing stops and take-profits fire',
    strategy: 'ema_cross_rsi',
    env: {
      EXIT_STOP_PCT: '0.001',
      EXIT_TRAIL_ACTIVATE_PCT: '0.003',
      EXIT_TRAIL_PCT: '0.001',
      EXIT_TAKE_PROFIT_PCT: '0.006',
      RISK_MAX_ORDERS_PER_HOUR: '0',
      RISK_LOSS_STREAK_MAX: '0',
    },
  },
  {
    name: 'tight exits without a take-profit: the trail rides new peaks',
    strategy: 'ema_cross_rsi',
    env: { EXIT_STOP_PCT: '0.003', EXIT_TRAIL_ACTIVATE_PCT: '0.002', EXIT_TRAIL_PCT: '0.0015', RISK_MAX_ORDERS_PER_HOUR: '0', RISK_LOSS_STREAK_MAX: '0' },
  },
  { name: 'the default limits binding (order cap 2 an hour)', strategy: 'ema_cross_rsi', params: heavy, env: { RISK_MAX_ORDERS_PER_HOUR: '2' } },
  { name: 'gaps in the history and in the traded range, default strategy', strategy: 'ema_cross_rsi', env: {}, gaps: true },
  { name: 'gaps in the history and in the traded range, a quick ema_cross_rsi', strategy: 'ema_cross_rsi', params: quick, env: {}, gaps: true },
];

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
const sha256 = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

async function main() {
  const root = path.resolve(__dirname, '../..');
  const loopModule = path.join(root, 'libs/infrastructure/src/driving/backtest/loop-backtest.ts');
  if (!fs.existsSync(loopModule))
    throw new Error(`${path.relative(root, loopModule)} is not here: run this on a checkout of c18ae51 (see the top of this file)`);
  const { runLoopBacktest } = (await import(loopModule)) as { runLoopBacktest: LoopBacktest };
  const all = readCandleFile(bundledCandleFile());
  const out = [];
  for (const c of cases) {
    const candles = c.gaps ? all.filter((_, i) => !(i >= 100 && i < 103) && !(i >= 700 && i < 705) && i !== 1000) : all;
    // The settings as the spec builds them: the env on the defaults, a cwd with no .env file.
    const cwd = fs.mkdtempSync('/tmp/cab-parity-');
    const settings = parseSettings(c.env, { cwd, readFile: (p) => fs.readFileSync(p, 'utf8') });
    fs.rmSync(cwd, { recursive: true, force: true });
    const r = await runLoopBacktest({ candles, symbol: 'BTC/USDT', strategy: c.strategy, ...(c.params ? { params: c.params } : {}), settings });
    const { elapsedMs: _e, candlesPerSecond: _c, ...summary } = r.summary;
    out.push({
      ...c,
      fills: { sha256: sha256(fillsOf(r)), count: r.trades.length, first: fillsOf(r).slice(0, 4) },
      summary,
      equity: { sha256: sha256(r.equity), count: r.equity.length, first: r.equity.slice(0, 4) },
    });
    process.stderr.write(`${c.name}: ${r.trades.length} fills, ${r.equity.length} equity points\n`);
  }
  const file = path.join(root, 'libs/infrastructure/src/driving/backtest/parity/loop-parity.golden.json');
  const recorded = {
    recordedFrom: 'the loop pipeline (runLoopBacktest) at commit c18ae51, before it was deleted',
    symbol: 'BTC/USDT',
    candles: 'bundled',
    cases: out,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(recorded, null, 2) + '\n');
  process.stderr.write(`wrote ${path.relative(root, file)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
