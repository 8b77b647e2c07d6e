import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BacktestReport } from '@cab/application';
import type { Candle } from '@cab/domain';
import type { Settings } from '../../settings';
import { CandleSourceError, loadCandleSource, parseCandleSource } from '../../driven/market-data/candle-source';
import { systemClock } from '../../driven/time/system-time';
import { backtestStrategy } from './backtest-options';
import { BacktestStore } from './backtest-store';
import { BacktestArgsError } from './backtest-args-error';
import { renderComparisonTable, renderSymbolTable } from './comparison-table';
import { runPortfolioBacktest, type PortfolioReport } from './portfolio-backtest';
import { progressLine } from './progress-line';
import { renderSummaryTable, writeReport } from './report-render';
import { symbolsOf } from './symbol-from-file';
import { runBacktest } from './run-backtest';

export interface BacktestCommandArgs {
  /** One candle file, or several: one portfolio over their symbols on one clock. */
  data: string | readonly string[];
  /** One per file, in --data order; default: SYMBOL for one file, else each file's name (symbolFromFileName). */
  symbol?: string | readonly string[];
  /** Strategies to run one after the other on the same candles, compared in one table: "a,b,c". */
  strategyList?: string;
  /** Default: STRATEGY, the one paper and live trading run. */
  strategy?: string;
  /** Folder of plug-in strategies (default STRATEGY_PATH). */
  strategyPath?: string;
  /** ISO date/time or epoch ms. */
  from?: string;
  to?: string;
  /** JSON object of strategy parameters. Default: STRATEGY_PARAMS when the strategy is STRATEGY's, else none. */
  params?: string;
  /** Without --from: how many first candles are history (default REPLAY_WARMUP_CANDLES). */
  warmup?: number;
  out: string;
  /** Also write the run's orders, fills and positions to a store beside the report (`backtest.db`; `DB_PATH=… cab performance --date DAY`). */
  save?: boolean;
}

/** The store a `--save` run writes beside its report. */
export const BACKTEST_STORE_FILE = 'backtest.db';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** True when stderr is a terminal: then a progress bar is drawn. */
  isTty: boolean;
  /** A monotonic clock in ms for the progress bar's speed and ETA (default performance.now). */
  now?: () => number;
}

export { BacktestArgsError };

function parseTime(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(n)) throw new BacktestArgsError(`--${name}: expected a date (2024-08-01, 2024-08-01T12:00:00Z) or epoch ms, got ${JSON.stringify(v)}`);
  return n;
}

function parseParams(v: string | undefined): Record<string, unknown> {
  if (v === undefined || v.trim() === '') return {};
  let p: unknown;
  try {
    p = JSON.parse(v);
  } catch {
    throw new BacktestArgsError(`--params: not valid JSON: ${v}`);
  }
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new BacktestArgsError('--params: expected a JSON object such as {"fastPeriod": 9}');
  return p as Record<string, unknown>;
}

/**
 * The report's folder, created now: a long backtest must not run to its end and then find that
 * --out names a file (or sits under one, or cannot be written).
 */
function usableOutDir(out: string): void {
  const abs = path.resolve(out);
  try {
    fs.mkdirSync(abs, { recursive: true });
    fs.accessSync(abs, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'a file is in the way; --out names the folder that gets report.json and report.html'
        : `not writable (${code ?? 'unknown error'})`;
    throw new BacktestArgsError(`--out: ${abs}: ${why}`);
  }
}

/**
 * `cab backtest`: reads the candle files, runs the trading core over them on virtual time, prints
 * the summary table and writes DIR/report.json and DIR/report.html. Returns the exit code.
 * Candles before --from (or the first --warmup candles) are history: seen, not traded, not reported.
 * Several --data files run as one portfolio on one clock (runPortfolioBacktest); --strategy-list
 * runs each strategy on the same candles, writes DIR/<strategy>/, and prints one comparison table.
 */
export async function backtestCommand(args: BacktestCommandArgs, settings: Settings, io: CommandIo): Promise<number> {
  const from = parseTime('from', args.from);
  const to = parseTime('to', args.to);
  const files = list(args.data);
  if (files.length === 0) throw new BacktestArgsError('--data: name at least one candle file');
  const symbols = symbolsOf(files, list(args.symbol), settings.symbol);
  const runs = strategyRuns(args, settings);
  const strategyPath = args.strategyPath ?? settings.strategy.path ?? undefined;
  if (args.warmup !== undefined && !(Number.isInteger(args.warmup) && args.warmup >= 0))
    throw new BacktestArgsError(`--warmup: expected a whole number of candles ≥ 0, got ${args.warmup}`);
  if (args.warmup !== undefined && from !== undefined)
    throw new BacktestArgsError('--warmup: give it or --from, not both (the candles before --from are the history)');
  // The strategies first: a missing plug-in or a parameter out of bounds is told before a long file is read.
  for (const run of runs) argsError(() => backtestStrategy({ ...run, ...(strategyPath !== undefined ? { strategyPath } : {}) }));
  usableOutDir(args.out);
  const datasets: { symbol: string; candles: Candle[] }[] = [];
  for (const [i, file] of files.entries()) {
    try {
      // A file, or db:SYMBOL[@TIMEFRAME] for candles stored by `cab data download` (docs/optimize.md).
      const source = parseCandleSource(file, symbols[i] as string);
      datasets.push({
        symbol: source.symbol,
        candles: await loadCandleSource(source, { path: settings.db.path, exchange: settings.exchange, clock: systemClock }),
      });
    } catch (e) {
      if (e instanceof CandleSourceError) throw new BacktestArgsError(`--data: ${e.message}`);
      throw e;
    }
  }
  const now = io.now ?? (() => performance.now());
  const reports: { name: string; report: BacktestReport; paths: { json: string; html: string; store?: string } }[] = [];
  for (const run of runs) {
    let drawn = false;
    const started = now();
    const store = args.save ? new BacktestStore() : undefined;
    const common = {
      ...run,
      ...(store ? { store } : {}),
      ...(strategyPath !== undefined ? { strategyPath } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(args.warmup !== undefined ? { warmupCandles: args.warmup } : {}),
      settings,
      progressEvery: 5_000,
      onProgress: (done: number, total: number) => {
        if (!io.isTty) return;
        // \x1b[K clears what a longer frame left on the line.
        io.stderr(`\r${progressLine(done, total, now() - started)}${runs.length > 1 ? ` ${run.strategy}` : ''}\x1b[K`);
        drawn = true;
      },
    };
    const single = datasets.length === 1 ? (datasets[0] as { symbol: string; candles: readonly Candle[] }) : null;
    const report = await (
      single ? runBacktest({ ...common, candles: single.candles, symbol: single.symbol }) : runPortfolioBacktest({ ...common, datasets })
    ).catch((e: unknown) => {
      if (e instanceof RangeError) throw new BacktestArgsError(e.message);
      throw e;
    });
    if (drawn) io.stderr('\n');
    const dir = runs.length > 1 ? path.join(args.out, run.strategy.replace(/[^\w.-]+/g, '_')) : args.out;
    // The candles go to the page's chart (the report itself keeps none; a long run is downsampled
    // there). A portfolio's page has no one price to draw its symbols' trades on: no candles.
    const paths: { json: string; html: string; store?: string } = writeReport(dir, report, single ? { candles: single.candles } : {});
    if (store) {
      paths.store = path.join(dir, BACKTEST_STORE_FILE);
      await store.writeTo(paths.store, systemClock);
    }
    reports.push({ name: run.strategy, report, paths });
  }
  const rel = (p: string) => path.relative(process.cwd(), p) || p;
  if (reports.length === 1) {
    const { report, paths } = reports[0]!;
    const bySymbol = 'symbols' in report ? `\n\n${renderSymbolTable((report as PortfolioReport).symbols)}` : '';
    io.stdout(`${renderSummaryTable(report)}${bySymbol}\n\nreport: ${rel(paths.html)}, ${rel(paths.json)}${paths.store ? `, ${rel(paths.store)}` : ''}\n`);
  } else {
    const where = reports.map((r) => `  ${r.name}: ${rel(r.paths.html)}, ${rel(r.paths.json)}${r.paths.store ? `, ${rel(r.paths.store)}` : ''}`).join('\n');
    io.stdout(`${renderComparisonTable(reports.map((r) => r.report.summary))}\n\nreports:\n${where}\n`);
  }
  return 0;
}

const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);

function argsError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (e instanceof RangeError) throw new BacktestArgsError(e.message);
    throw e;
  }
}

/** The strategies to run and their parameters: --strategy-list a,b,c, or --strategy (default STRATEGY). */
function strategyRuns(args: BacktestCommandArgs, settings: Settings): { strategy: string; params: Record<string, unknown> }[] {
  const paramsOf = (name: string) =>
    args.params === undefined && name === settings.strategy.name ? { ...settings.strategy.params } : parseParams(args.params);
  if (args.strategyList === undefined) {
    const strategy = args.strategy ?? settings.strategy.name;
    return [{ strategy, params: paramsOf(strategy) }];
  }
  if (args.strategy !== undefined) throw new BacktestArgsError('--strategy-list: give it or --strategy, not both');
  if (args.params !== undefined)
    throw new BacktestArgsError("--params: not with --strategy-list (each strategy runs on its defaults, STRATEGY's on STRATEGY_PARAMS)");
  const names = args.strategyList
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) throw new BacktestArgsError('--strategy-list: expected names separated by commas, e.g. ema_cross_rsi,mean_reversion');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new BacktestArgsError(`--strategy-list: ${twice} is named twice`);
  return names.map((strategy) => ({ strategy, params: paramsOf(strategy) }));
}
