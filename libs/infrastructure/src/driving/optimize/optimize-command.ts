import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Clock } from '@cab/domain';
import { CandleSourceError, loadCandleSource, parseCandleSource } from '../../driven/market-data/candle-source';
import type { Settings } from '../../settings';
import { isObjective, OBJECTIVES } from './objectives';
import { renderOptimizeHtml } from './optimize-html';
import { OptimizeArgsError } from './optimize-errors';
import { runOptimize, type Dataset, type OptimizeResult } from './optimize-run';
import { progressLine } from './progress';
import { parseSearchSpace, readSpaceArgument } from './search-space';
import { lookUpStrategy } from './strategy-lookup';
import { defaultThreads } from './worker-pool';

export interface OptimizeCommandArgs {
  /** Candle sources: FILE, SYMBOL=FILE, db:SYMBOL[@TIMEFRAME]. */
  data: string[];
  /** Default: STRATEGY. */
  strategy?: string;
  /** Folder of plug-in strategies (default STRATEGY_PATH). */
  strategyPath?: string;
  /** JSON or @file.json. */
  space: string;
  method: string;
  trials?: number;
  objective: string;
  walkForward: number;
  seed: number;
  out: string;
  /** The symbol of plain FILE sources (default SYMBOL). */
  symbol?: string;
  /** Worker threads (default: one per core). */
  threads?: number;
}

export interface OptimizeIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** stderr is a terminal: the progress line is redrawn in place. */
  isTty: boolean;
}

function outDir(out: string): string {
  const abs = path.resolve(out);
  try {
    fs.mkdirSync(abs, { recursive: true });
    fs.accessSync(abs, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OptimizeArgsError(
      `--out: ${abs}: ${code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way; --out names a folder' : `not writable (${code ?? 'unknown error'})`}`,
    );
  }
  return abs;
}

/** optimize.json: the result with its timings last (the only part two runs of one seed differ in). */
export function optimizeJson(r: OptimizeResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/**
 * `cab optimize`: checks every argument before any backtest runs (usage errors, exit 2), loads
 * the candles once, runs the search across the worker threads with a progress line on stderr, and
 * writes DIR/optimize.json and DIR/optimize.html. Returns the exit code.
 */
export async function optimizeCommand(args: OptimizeCommandArgs, settings: Settings, clock: Clock, io: OptimizeIo): Promise<number> {
  const problems: string[] = [];
  if (args.method !== 'grid' && args.method !== 'random') problems.push(`--method: grid or random, got ${JSON.stringify(args.method)}`);
  if (!isObjective(args.objective)) problems.push(`--objective: one of ${OBJECTIVES.join(', ')}, got ${JSON.stringify(args.objective)}`);
  if (args.method === 'grid' && args.trials !== undefined) problems.push('--trials: only with --method random (a grid runs every parameter set)');
  if (args.method === 'random' && !(args.trials !== undefined && Number.isInteger(args.trials) && args.trials > 0))
    problems.push('--trials: --method random needs a whole number of trials > 0');
  if (!(Number.isInteger(args.walkForward) && args.walkForward >= 0 && args.walkForward <= 50))
    problems.push(`--walk-forward: a whole number 0 … 50, got ${args.walkForward}`);
  if (!(Number.isInteger(args.seed) && args.seed >= 0 && args.seed <= 0xffffffff)) problems.push(`--seed: a whole number 0 … 4294967295, got ${args.seed}`);
  if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads >= 1 && args.threads <= 256))
    problems.push(`--threads: a whole number ≥ 1, got ${args.threads}`);
  if (args.data.length === 0) problems.push('--data: give at least one candle source');
  if (problems.length > 0) throw new OptimizeArgsError(problems.join('\n'));

  const strategy = args.strategy ?? settings.strategy.name;
  const strategyPath = args.strategyPath ?? settings.strategy.path ?? undefined;
  const def = lookUpStrategy(strategy, strategyPath);
  const fromSettings = strategy === settings.strategy.name ? { ...settings.strategy.params } : {};
  const space = parseSearchSpace(readSpaceArgument(args.space), def, fromSettings);
  // The searched parameters come from the space; the others from STRATEGY_PARAMS (its strategy) or the defaults.
  const base = Object.fromEntries(Object.entries(fromSettings).filter(([k]) => !space.names.includes(k)));
  let sources;
  try {
    sources = args.data.map((d) => parseCandleSource(d, args.symbol ?? settings.symbol));
  } catch (e) {
    if (e instanceof CandleSourceError) throw new OptimizeArgsError(`--data: ${e.message}`);
    throw e;
  }
  const dir = outDir(args.out);
  const datasets: Dataset[] = [];
  for (const src of sources) {
    try {
      datasets.push({
        symbol: src.symbol,
        source: src.label,
        candles: await loadCandleSource(src, { path: settings.db.path, exchange: settings.exchange, clock }),
      });
    } catch (e) {
      if (e instanceof CandleSourceError) throw new OptimizeArgsError(`--data: ${e.message}`);
      throw e;
    }
  }

  let progress: ReturnType<typeof progressLine> | null = null;
  const result = await runOptimize({
    datasets,
    strategy,
    ...(strategyPath !== undefined ? { strategyPath } : {}),
    base,
    space,
    method: args.method as 'grid' | 'random',
    ...(args.trials !== undefined ? { trials: args.trials } : {}),
    seed: args.seed,
    objective: args.objective as (typeof OBJECTIVES)[number],
    folds: args.walkForward,
    settings,
    threads: args.threads ?? defaultThreads(),
    now: () => performance.now(),
    onProgress: (done, total) => {
      progress ??= progressLine({ total, write: io.stderr, isTty: io.isTty, now: () => performance.now() });
      progress.tick(done);
    },
  });
  (progress as ReturnType<typeof progressLine> | null)?.end();
  const json = path.join(dir, 'optimize.json');
  const html = path.join(dir, 'optimize.html');
  fs.writeFileSync(json, optimizeJson(result));
  fs.writeFileSync(html, renderOptimizeHtml(result));
  io.stdout(summaryText(result, json, html));
  return 0;
}

function summaryText(r: OptimizeResult, json: string, html: string): string {
  const head = r.headline.outOfSample ?? r.headline.inSample;
  const rel = (p: string) => path.relative(process.cwd(), p) || p;
  const lines = [
    `${r.runs.length} parameter sets × ${r.walkForward + 1} window${r.walkForward ? 's' : ''} × ${r.data.length} data set${r.data.length > 1 ? 's' : ''}: ${r.timings.backtests} backtests in ${(r.timings.elapsedMs / 1000).toFixed(1)} s on ${r.timings.threads} threads${r.skipped.length ? ` (${r.skipped.length} invalid sets skipped)` : ''}`,
    `headline (${r.headline.kind}) ${r.objective}: ${head.score ?? 'n/a'}${r.headline.outOfSample ? ` (in-sample of the same choices: ${r.headline.inSample.score ?? 'n/a'})` : ''}`,
    ...head.datasets.map((d) => `  ${d.symbol}: return ${d.returnPct ?? 'n/a'} %, max drawdown ${d.maxDrawdownPct} %`),
    `parameters to trade next (best on the most recent window): ${JSON.stringify(r.best.params)}`,
  ];
  if (r.overfitting.warning) lines.push(`WARNING: ${r.overfitting.reason}`);
  lines.push(`report: ${rel(html)}, ${rel(json)}`);
  return `${lines.join('\n')}\n`;
}
