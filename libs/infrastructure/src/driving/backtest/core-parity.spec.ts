import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BacktestReport, EquityPoint, ReportSummary } from '@cab/application';
import { bundledCandleFile, readCandleFile } from '../../driven/market-data/candle-csv';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
import { runCoreBacktest } from './core-backtest';

/**
 * The loop pipeline's backtest on these cases, recorded at commit c18ae51 before the loops were
 * deleted (tools/scripts/record-loop-parity.ts; docs/core.md): the fills' and the equity curve's
 * sha256 with their first entries, and the summary whole.
 */
interface RecordedFill {
  ts: number;
  side: string;
  price: string;
  amount: string;
  cost: string;
  fee: string;
  feeCurrency: string;
  reason: string | null;
  clientOrderId: string | null;
}
interface RecordedCase {
  name: string;
  strategy: string;
  params?: Record<string, unknown>;
  env: Record<string, string>;
  gaps?: boolean;
  fills: { sha256: string; count: number; first: RecordedFill[] };
  summary: Omit<ReportSummary, 'elapsedMs' | 'candlesPerSecond'>;
  equity: { sha256: string; count: number; first: EquityPoint[] };
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'parity/loop-parity.golden.json'), 'utf8')) as { recordedFrom: string; cases: RecordedCase[] };

const all = readCandleFile(bundledCandleFile());
// The recorded gaps: candles 100–102, 700–704 and 1000 of the bundled day (in the history and in the traded range).
const gappy = all.filter((_, i) => !(i >= 100 && i < 103) && !(i >= 700 && i < 705) && i !== 1000);
const settings = (env: Record<string, string>) => {
  const { dir, cleanup } = tempDir('cab-parity-');
  try {
    return parseSettings(env, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
  } finally {
    cleanup();
  }
};

/** What must be identical to the recording: every fill as the report lists it (ids aside: the report numbers its own). */
const fillsOf = (r: BacktestReport): RecordedFill[] =>
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
const run = (c: RecordedCase) =>
  runCoreBacktest({
    candles: c.gaps ? gappy : all,
    symbol: 'BTC/USDT',
    strategy: c.strategy,
    ...(c.params ? { params: c.params } : {}),
    settings: settings(c.env),
  });

/**
 * The gate of the trading core (docs/core.md): a core backtest makes exactly the fills, reasons,
 * equity and summary the loop pipeline made on a virtual clock, on the bundled day, with the
 * default settings, with settings that trade a lot (every risk limit that stops trading off, quick
 * strategies), and on a file with gaps (the replay is by index: a gap is not a pause in time).
 */
describe('the core backtest = the recorded loop backtest', () => {
  it('the recording is the loops at c18ae51 and holds every case', () => {
    expect(golden.recordedFrom).toContain('c18ae51');
    expect(golden.cases.map((c) => c.name)).toHaveLength(9);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await run(c);
    const fills = fillsOf(r);
    // The readable part first: a drift shows as a diff of fills, not only as another hash.
    expect(fills.slice(0, c.fills.first.length)).toEqual(c.fills.first);
    expect(fills).toHaveLength(c.fills.count);
    expect(sha256(fills)).toBe(c.fills.sha256);
    const { elapsedMs: _e, candlesPerSecond: _c, ...summary } = r.summary;
    expect(summary).toEqual(c.summary);
    expect(r.equity.slice(0, c.equity.first.length)).toEqual(c.equity.first);
    expect(r.equity).toHaveLength(c.equity.count);
    expect(sha256(r.equity)).toBe(c.equity.sha256);
  });

  it('trades in every case, and each exit fires somewhere (a parity of nothing proves nothing)', async () => {
    const reasons = new Set<string>();
    for (const c of golden.cases) {
      const r = await run(c);
      expect(r.trades.length).toBeGreaterThan(0);
      for (const f of r.trades) reasons.add((f.reason ?? '').split(':')[0] ?? '');
    }
    expect([...reasons].sort()).toEqual(['exit EXIT.STOP_LOSS', 'exit EXIT.TAKE_PROFIT', 'exit EXIT.TRAILING_STOP', 'signal']);
  });
});
