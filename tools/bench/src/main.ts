// npm run bench: one table of the figures the project promises, measured now on this machine.
// Prints; never fails on speed. See README.md beside this file for how each row is measured.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { VirtualScheduler, noopLogger } from '@cab/application';
import { EMA_CROSS_RSI_DEFAULTS, SequentialIds, type Candle, type Strategy, type StrategyFactory } from '@cab/domain';
import { bundledCandleFile, compose, parseSettings, readCandleFile, ReplayMarketData, runBacktest } from '@cab/infrastructure';
import { eventTickToOrder as measureEventTick } from './event-tick-to-order';
import { runPeer, type PeerExits, type PeerResult } from './grademark-peer';
import { storeThroughput } from './store-throughput';

const root = path.resolve(__dirname, '../../..');

interface Row {
  what: string;
  value: string;
  target: string;
  note?: string;
  /** Our candles/s over grademark's on the same candles (backtest rows only). */
  ratio?: string;
}
const rows: Row[] = [];
const fmtM = (x: number) => `${(x / 1e6).toFixed(1)}M/s`;
const fmtK = (x: number) => `${Math.round(x).toLocaleString('en-US')}/s`;

/** The value of `--name VALUE` or `--name=VALUE` on the command line. */
function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const a = argv[i] ?? '';
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

/** `--data DIR`, else the folder of larger candle files beside the repository, when present (README.md beside this file, "Data"). */
function sharedData(): string | null {
  const dir = path.resolve(root, arg('data') ?? path.join('..', 'shared', 'data'));
  return fs.existsSync(dir) ? dir : null;
}

function oneMinuteFile(): string {
  const shared = sharedData();
  const f =
    shared &&
    fs
      .readdirSync(shared)
      .filter((n) => /^btc_usdt-1m-binance-.*\.csv\.gz$/.test(n))
      .sort()
      .at(-1);
  return shared && f ? path.join(shared, f) : bundledCandleFile();
}

function settings(env: Record<string, string>) {
  return parseSettings(env, { cwd: os.tmpdir(), readFile: (p) => fs.readFileSync(p, 'utf8') });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** Run from the bench's bundle (tools/bench/build.mjs), the indicators' bench is a bundle beside it; from the sources, tsx runs its source. */
function indicatorsCommand(): [string, string[]] {
  if (__filename.endsWith('.cjs')) return [process.execPath, [path.join(__dirname, 'indicators.bench.cjs')]];
  return [path.join(root, 'node_modules/.bin/tsx'), ['libs/domain/test/bench/indicators.bench.ts']];
}

function indicators(): void {
  const [cmd, args] = indicatorsCommand();
  const r = spawnSync(cmd, [...args, oneMinuteFile(), '--json'], { cwd: root, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  const j = JSON.parse(line) as { indicators: { name: string; ours: number; ti: number; ts: number }[] };
  for (const i of j.indicators) {
    rows.push({
      what: `${i.name} updates (ours / technicalindicators / trading-signals)`,
      value: `${fmtM(i.ours)} / ${fmtM(i.ti)} / ${fmtM(i.ts)}`,
      target: '≥3× ti, ≥2× ts',
      note: `${(i.ours / i.ti).toFixed(1)}× ti, ${(i.ours / i.ts).toFixed(1)}× ts`,
    });
  }
}

/** Rounds of the month, ours and grademark's interleaved, best of each (their median printed too): the machine is shared and noisy. */
const MONTH_ROUNDS = 5;
/**
 * Rounds before those, ours and grademark's alike, not counted: a fresh process runs the month's
 * first rounds at a fraction of the steady speed while V8 compiles the hot paths (measured on this
 * 2-core machine: rounds 0–4 climb from ~250,000 to ~600,000/s, ~215,000 candles, before the rounds
 * settle; tools/bench/README.md, "Fourth round" and "Eighth round"). The first one's figures (a cold
 * process) are printed in the note.
 */
const WARMUP_ROUNDS = 6;
const PEER = `grademark ${(JSON.parse(fs.readFileSync(require.resolve('grademark/package.json'), 'utf8')) as { version: string }).version}`;
const fmtRatio = (ours: number, peer: PeerResult) => `${(ours / peer.candlesPerSecond).toFixed(2)}×`;

/** The default strategy's rules and the default exits, for the grademark run (see grademark-peer.ts). */
function peerRules(history: number) {
  const x = settings({}).exits;
  const exits: PeerExits = {
    stopPct: Number(x.stopPct),
    trailPct: Number(x.trailPct),
    trailActivatePct: Number(x.trailActivatePct),
    takeProfitPct: Number(x.takeProfitPct),
  };
  return { params: EMA_CROSS_RSI_DEFAULTS, exits, history };
}

function peerRow(peer: PeerResult, span: string): Row {
  const why = new Map<string, number>();
  for (const t of peer.trades) why.set(t.exitReason, (why.get(t.exitReason) ?? 0) + 1);
  return {
    what: `${PEER}, same rules and candles (${span}; ${peer.trades.length} trades)`,
    value: fmtK(peer.candlesPerSecond),
    target: '—',
    note: `exits: ${[...why].map(([k, n]) => `${k} ${n}`).join(', ')}; fills at the next bar's open or on the stop, no fees, float maths, no risk rules`,
  };
}

/** True once the month's warm-up rounds have run in this process. */
let warmed = false;

/** One uncounted round of the month, ours and grademark's. */
async function warmUp(candles: readonly Candle[]): Promise<void> {
  const r = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings: settings({}) });
  runPeer({ candles, ...peerRules(r.summary.warmupCandles) });
}

async function backtest(): Promise<void> {
  const file = oneMinuteFile();
  const candles = readCandleFile(file);
  let ours: Awaited<ReturnType<typeof runBacktest>> | undefined;
  let peer: PeerResult | undefined;
  // The warm-up rounds (WARMUP_ROUNDS) are not in the best-of; the first one's figures (a cold
  // process) are printed in the note.
  let cold = '';
  const counted: number[] = [];
  const countedPeer: number[] = [];
  for (let k = 0; k < WARMUP_ROUNDS + MONTH_ROUNDS; k++) {
    // No forced GC between the runs: V8 shrinks the young generation after one, and the next run
    // (ours or grademark's) then pays for growing it back (measured: ~1.5–2× slower).
    const r = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings: settings({}) });
    const p = runPeer({ candles, ...peerRules(r.summary.warmupCandles) });
    if (k === 0) cold = `the first warm-up round, cold: ${fmtK(r.summary.candlesPerSecond)} against grademark's ${fmtK(p.candlesPerSecond)}`;
    if (k < WARMUP_ROUNDS) continue;
    warmed = true;
    counted.push(r.summary.candlesPerSecond);
    countedPeer.push(p.candlesPerSecond);
    if (!ours || r.summary.candlesPerSecond > ours.summary.candlesPerSecond) ours = r;
    if (!peer || p.candlesPerSecond > peer.candlesPerSecond) peer = p;
  }
  if (!ours || !peer) return;
  rows.push({
    what: `backtest candles/s (${path.basename(file)}, ${ours.summary.candles.toLocaleString('en-US')} 1m candles after ${ours.summary.warmupCandles} of warm-up, ${ours.summary.fills} fills = ${ours.summary.trades} trades)`,
    value: fmtK(ours.summary.candlesPerSecond),
    target: '≥ 500,000/s',
    note: `best of ${MONTH_ROUNDS} rounds (median ${fmtK(percentile(counted, 50))}) after ${WARMUP_ROUNDS} warm-up rounds, interleaved with grademark's (${cold})`,
    ratio: fmtRatio(ours.summary.candlesPerSecond, peer),
  });
  rows.push(peerRow(peer, `best of ${MONTH_ROUNDS}, median ${fmtK(percentile(countedPeer, 50))}`));
}

/** A full GC before a memory sample, so the figure is what is live, not what V8 has yet to collect. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/**
 * A year of 1m candles through the backtest, memory sampled along the way. No real 1m file here
 * covers a year, so the month file is replayed 12 times on a continuous clock (the price jumps back
 * at each seam): the point is what the pipeline accumulates per candle, not the market.
 */
async function backtestYear(): Promise<void> {
  const month = readCandleFile(oneMinuteFile());
  const first = month[0];
  const last = month[month.length - 1];
  if (!first || !last) return;
  const span = last.ts - first.ts + 60_000;
  // Run on its own (`--only year`), the process is cold: the month's warm-up rounds first, ours and
  // grademark's alike, not counted (after the month row they change nothing).
  if (!warmed) for (let k = 0; k < WARMUP_ROUNDS; k++) await warmUp(month);
  const year: Candle[] = [];
  for (let k = 0; year.length < 525_600; k++) for (const c of month) if (year.length < 525_600) year.push({ ...c, ts: c.ts + k * span });
  // Each sample with the fraction of the run done when it was taken, so "10 %" is the sample at 10 %.
  const samples: { done: number; heap: number; rss: number }[] = [];
  const r = await runBacktest({
    candles: year,
    symbol: 'BTC/USDT',
    strategy: 'ema_cross_rsi',
    settings: settings({}),
    progressEvery: 52_560,
    onProgress: (done, total) => {
      collectGarbage();
      const m = process.memoryUsage();
      samples.push({ done: done / total, heap: m.heapUsed / 1e6, rss: m.rss / 1e6 });
    },
  });
  // The first sample taken at or after fraction f of the run (the last one for 100 %).
  const at = (f: number) => samples.find((x) => x.done >= f - 1e-9) ?? samples[samples.length - 1];
  // The speed from runs without the samples, best of 2: each sample forces a full GC, after which V8
  // shrinks the young generation and the run pays to grow it back (see `backtest`), a cost of the
  // measuring, not of the backtest. Their fills must be the sampled run's.
  let timed = r;
  for (let k = 0; k < 2; k++) {
    const t = await runBacktest({ candles: year, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings: settings({}) });
    if (t.summary.fills !== r.summary.fills) throw new Error(`the year's runs differ: ${t.summary.fills} fills against ${r.summary.fills}`);
    if (timed === r || t.summary.candlesPerSecond > timed.summary.candlesPerSecond) timed = t;
  }
  // grademark on the same year, twice, the better of the two (the machine drifts). After ours, not
  // before: its DataFrames of the year (~1 GB) would show in our RSS samples.
  const peers = [1, 2].map(() => runPeer({ candles: year, ...peerRules(r.summary.warmupCandles) }));
  const peer = peers.reduce((a, b) => (b.candlesPerSecond > a.candlesPerSecond ? b : a));
  const [s10, s50, s100] = [at(0.1), at(0.5), at(1)];
  if (!s10 || !s50 || !s100) return;
  const mb = (x: number) => x.toFixed(1);
  // Growth per fill from 10 % to 100 %: what the memory bill of a long run would be.
  const fillsAfter10 = Math.round(r.summary.fills * (1 - s10.done));
  const perFill =
    fillsAfter10 > 0 ? ` (≈${Math.round(((s100.heap - s10.heap) * 1e6) / fillsAfter10)} B per fill from 10% to 100%, fills taken as evenly spread)` : '';
  rows.push({
    what: `backtest over a year of 1m candles (the month ×12, continuous clock; ${r.summary.candles.toLocaleString('en-US')} candles, ${r.summary.fills} fills)`,
    value: `${fmtK(timed.summary.candlesPerSecond)}; heap ${mb(s10.heap)} → ${mb(s50.heap)} → ${mb(s100.heap)} MB`,
    target: 'memory flat',
    note: `heap after a full GC at 10% / 50% / 100%${perFill}; RSS ${Math.round(s10.rss)} → ${Math.round(s50.rss)} → ${Math.round(s100.rss)} MB (the core's fills and equity curve included); memory from a sampled run, speed the best of 2 runs without samples (sampled: ${fmtK(r.summary.candlesPerSecond)})`,
    ratio: fmtRatio(timed.summary.candlesPerSecond, peer),
  });
  rows.push(peerRow(peer, 'the same year, best of 2 after ours'));
}

/** A strategy that buys when flat and sells when holding: every evaluation places an order. Stateless: its own factory. */
const toggle: Strategy & StrategyFactory = {
  name: 'toggle',
  warmup: 1,
  params: {},
  create: () => toggle,
  update: () => undefined,
  reset: () => undefined,
  signal: (ctx) => (ctx.inPosition ? { action: 'sell', reasons: ['bench: sell'] } : { action: 'buy', reasons: ['bench: buy'] }),
};

/** The composed paper bot on a fresh file DB, as the tick row measures it: a toggle strategy, every timer but eval idle. */
async function benchApp(synchronous: 'FULL' | 'NORMAL') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-bench-'));
  const vs = new VirtualScheduler({ startMs: Date.UTC(2026, 0, 1) });
  const candles = readCandleFile(bundledCandleFile());
  const s = settings({
    DB_PATH: path.join(dir, 'bench.db'),
    DB_SYNCHRONOUS: synchronous,
    EVAL_INTERVAL_SEC: '1',
    EXITS_INTERVAL_SEC: '86400',
    RECONCILE_INTERVAL_SEC: '86400',
    WATCHDOG_INTERVAL_SEC: '86400',
    DMS_TIMEOUT_MS: '300000000',
    IDEMPOTENCY_BUCKET_MS: '1000',
    RISK_MAX_ORDERS_PER_HOUR: '100000',
    RISK_DAILY_LOSS_LIMIT_QUOTE: '0',
    RISK_LOSS_STREAK_MAX: '0',
    EXIT_STOP_PCT: '0',
    EXIT_TRAIL_PCT: '0',
  });
  // Speed 1: a candle lasts its minute on the pipeline's clock, so the tick row's one candle per tick
  // puts an hour of 1m candles' orders in the risk ledger's hour (at 60 a candle lasted a second,
  // and the hour held every order of the run: up to 2,200 for the orders-per-hour rule to count).
  const marketData = new ReplayMarketData({ series: new Map([['BTC/USDT', candles]]), clock: vs, speed: 1, loop: true, warmupCandles: 5 });
  const app = await compose(s, {
    clock: vs,
    scheduler: vs,
    timers: vs,
    ids: new SequentialIds('b-'),
    marketData,
    strategy: toggle,
    logger: noopLogger,
    instanceLock: null,
  });
  return { app, vs, dir };
}

/**
 * The composed stores and paper broker, driven through the trading core's EventDriver
 * (docs/core.md): from the CandleClosed event handed to the driver to the broker's send call, and
 * where that time goes (event-tick-to-order.ts).
 */
async function eventTickToOrder(synchronous: 'NORMAL'): Promise<void> {
  const { app, vs, dir } = await benchApp(synchronous);
  try {
    const f = await measureEventTick(app, vs, toggle, 2200);
    const cut = (xs: number[]) => xs.slice(200);
    const pct = (xs: number[]) => `p50 ${percentile(cut(xs), 50).toFixed(0)} µs, p99 ${percentile(cut(xs), 99).toFixed(0)} µs`;
    rows.push({
      what: `tick-to-order, EventDriver, file DB, DB_SYNCHRONOUS=${synchronous}: CandleClosed → order at the broker (${f.orders} orders in ${f.step.length} ticks)`,
      value: pct(f.sent),
      target: 'p50 ≤ 75 µs, p99 ≤ 250 µs',
      note: `decision ${pct(f.decided)}; write-ahead (order row and key appended to the intent log) ${pct(f.writeAhead)}; whole step with fill and Persist ${pct(f.step)}`,
    });
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function coldStart(): void {
  const bin = path.join(root, 'dist/apps/cli/main.cjs');
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-cold-'));
  try {
    const ms: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [bin, 'maintenance', 'list'], { cwd, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr || `exit ${r.status}`);
      ms.push(performance.now() - t0);
    }
    rows.push({ what: 'cold start: cab-maintenance list (built CLI, fresh process)', value: `median ${percentile(ms, 50).toFixed(0)} ms`, target: '≤ 400 ms' });
  } catch (e) {
    rows.push({
      what: 'cold start: cab-maintenance list',
      value: 'n/a',
      target: '≤ 400 ms',
      note: `needs the built CLI with \`maintenance list\`: ${String((e as Error).message).split('\n')[0]}`,
    });
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

async function workerRss(): Promise<void> {
  const bin = path.join(root, 'dist/apps/worker/main.cjs');
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-worker-'));
  // The worker takes its settings from a .env file in its working folder, as a user's would.
  fs.writeFileSync(path.join(cwd, '.env'), 'MODE=paper\nMARKET_DATA=replay\nREPLAY_SPEED=600\nEVAL_INTERVAL_SEC=0.1\nWORKER_PORT=0\nLOG_LEVEL=ERROR\n');
  const child = spawn(process.execPath, [bin], { cwd, stdio: 'ignore' });
  try {
    const samples: number[] = [];
    for (let i = 0; i < 20 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      samples.push(kb / 1024);
    }
    if (child.exitCode !== null || samples.length < 10) throw new Error(`worker exited (${child.exitCode})`);
    const steady = samples.slice(samples.length / 2);
    rows.push({ what: 'worker steady RSS (paper, replay ×600, after 10 s)', value: `${Math.max(...steady).toFixed(0)} MB`, target: '≤ 150 MB' });
  } catch (e) {
    rows.push({ what: 'worker steady RSS', value: 'n/a', target: '≤ 150 MB', note: String((e as Error).message) });
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * Each row in a fresh process of its own (this bundle again, `--only NAME --rows-json`), as JMH forks
 * a JVM per benchmark: a row then runs on the code paths, heap and type feedback its own work made,
 * not on those the rows before it left (a year's backtest measured 442,256–466,607/s after the month
 * row in one process, 648,642/s on its own; tools/bench/README.md, "Sixth round"). `--in-process`
 * runs them all in this process, as before.
 */
function rowsOf(name: string): Row[] {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, ...passedArgs(), '--only', name, '--rows-json'], {
    cwd: process.cwd(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('['))
    return [{ what: name, value: 'n/a', target: '—', note: `its process failed (exit ${r.status}): ${(r.stderr || line).trim().split('\n').at(-1) ?? ''}` }];
  return JSON.parse(line) as Row[];
}

/** The command line's options a row's process needs too (`--data`), without the ones that pick rows. */
function passedArgs(): string[] {
  const data = arg('data');
  return data === undefined ? [] : ['--data', data];
}

async function main(): Promise<void> {
  // `--only backtest` (comma-separated names) runs just those rows, e.g. on a busy machine.
  const only = arg('only')?.split(',');
  const child = process.argv.includes('--rows-json');
  const inProcess = child || process.argv.includes('--in-process');
  if (!child) {
    const load = os.loadavg()[0]?.toFixed(2);
    console.log(`crypto-ai-bot benchmarks — node ${process.version}, ${os.cpus().length} cores, load average ${load} (figures vary with load)\n`);
  }
  const parts: [string, () => unknown][] = [
    ['indicators', indicators],
    ['backtest', backtest],
    ['year', backtestYear],
    ['tick', () => eventTickToOrder('NORMAL')],
    ['cold', coldStart],
    ['worker', workerRss],
    ['store', async () => rows.push(...(await storeThroughput()))],
  ];
  for (const [name, run] of parts) {
    if (only && !only.includes(name)) continue;
    if (inProcess) await run();
    else rows.push(...rowsOf(name));
  }
  if (child) return console.log(JSON.stringify(rows));
  const head: Row = { what: 'what', value: 'measured', target: 'target', ratio: 'ours / grademark (≥ 3×)', note: 'note' };
  const w = (k: keyof Row) => Math.max(...[head, ...rows].map((r) => (r[k] ?? '').length));
  const [a, b, c, d] = [w('what'), w('value'), w('target'), w('ratio')];
  for (const r of [head, { what: '-'.repeat(a), value: '-'.repeat(b), target: '-'.repeat(c), ratio: '-'.repeat(d), note: '' }, ...rows])
    console.log(`${r.what.padEnd(a)}  ${r.value.padEnd(b)}  ${r.target.padEnd(c)}  ${(r.ratio ?? '').padEnd(d)}  ${r.note ?? ''}`.trimEnd());
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
