import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Settings } from '../settings';
import { readCandleFile } from '../market-data/candle-csv';
import { backtestStrategy } from './backtest-options';
import { renderSummaryTable, writeReport } from './report-render';
import { runBacktest } from './run-backtest';

export interface BacktestCommandArgs {
  data: string;
  symbol: string;
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
}

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** True when stderr is a terminal: then a progress bar is drawn. */
  isTty: boolean;
}

/** A user's mistake in the arguments: printed without a stack, exit 2. */
export class BacktestArgsError extends Error {
  override name = 'BacktestArgsError';
}

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
 * `cab backtest`: reads the candle file, runs the live pipeline over it on virtual time, prints
 * the summary table and writes DIR/report.json and DIR/report.html. Returns the exit code.
 * Candles before --from (or the first --warmup candles) are history: seen, not traded, not reported.
 */
export async function backtestCommand(args: BacktestCommandArgs, settings: Settings, io: CommandIo): Promise<number> {
  const from = parseTime('from', args.from);
  const to = parseTime('to', args.to);
  const strategy = args.strategy ?? settings.strategy.name;
  const params = args.params === undefined && strategy === settings.strategy.name ? { ...settings.strategy.params } : parseParams(args.params);
  const strategyPath = args.strategyPath ?? settings.strategy.path ?? undefined;
  if (args.warmup !== undefined && !(Number.isInteger(args.warmup) && args.warmup >= 0))
    throw new BacktestArgsError(`--warmup: expected a whole number of candles ≥ 0, got ${args.warmup}`);
  if (args.warmup !== undefined && from !== undefined)
    throw new BacktestArgsError('--warmup: give it or --from, not both (the candles before --from are the history)');
  // The strategy first: a missing plug-in or a parameter out of bounds is told before a long file is read.
  try {
    backtestStrategy({ strategy, params, ...(strategyPath !== undefined ? { strategyPath } : {}) });
  } catch (e) {
    if (e instanceof RangeError) throw new BacktestArgsError(e.message);
    throw e;
  }
  usableOutDir(args.out);
  let candles;
  try {
    candles = readCandleFile(args.data);
  } catch (e) {
    throw new BacktestArgsError(`--data: ${(e as Error).message}`);
  }
  let drawn = false;
  const report = await runBacktest({
    candles,
    symbol: args.symbol.toUpperCase(),
    strategy,
    params,
    ...(strategyPath !== undefined ? { strategyPath } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(args.warmup !== undefined ? { warmupCandles: args.warmup } : {}),
    settings,
    progressEvery: 5_000,
    onProgress: (done, total) => {
      if (!io.isTty) return;
      const width = 30;
      const filled = Math.round((done / total) * width);
      io.stderr(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${((done / total) * 100).toFixed(0).padStart(3)} % ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} candles`,
      );
      drawn = true;
    },
  }).catch((e: unknown) => {
    if (e instanceof RangeError) throw new BacktestArgsError(e.message);
    throw e;
  });
  if (drawn) io.stderr('\n');
  const paths = writeReport(args.out, report);
  io.stdout(
    `${renderSummaryTable(report)}\n\nreport: ${path.relative(process.cwd(), paths.html) || paths.html}, ${path.relative(process.cwd(), paths.json) || paths.json}\n`,
  );
  return 0;
}
