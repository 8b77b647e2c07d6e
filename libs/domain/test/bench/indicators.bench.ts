// Updates per second of each streaming indicator beside technicalindicators (nextValue) and
// trading-signals (update), in one run, on real candles. Prints figures; never fails.
//   nx run domain:bench         (or: npx tsx libs/domain/test/bench/indicators.bench.ts [file.csv[.gz]] [--json])
// With --json it prints one JSON line instead of the tables (for `npm run bench`'s combined table).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as ti from 'technicalindicators';
import * as ts from 'trading-signals';
import { Atr, Bollinger, Ema, Macd, Rsi, Sma } from '../../src/indicators/index';
import { STRATEGY_NAMES, createStrategy } from '../../src/strategies/registry';
import { BYBIT_1M, loadCandles, TEST_DATA } from '../candles';

/** A folder of larger candle files beside the repository, when the machine has one (tools/bench/README.md, "Data"); else the bundled day. */
function sharedData(): string | undefined {
  let dir = path.resolve(__dirname, '..', '..', '..', '..');
  for (let i = 0; i < 3; i++, dir = path.dirname(dir)) {
    const candidate = path.join(path.dirname(dir), 'shared', 'data');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const json = process.argv.includes('--json');
const fileArg = process.argv.slice(2).find((a) => !a.startsWith('--'));
const say = (...xs: unknown[]): void => {
  if (!json) console.log(...xs);
};

function pickFile(): string {
  if (fileArg) return path.resolve(fileArg);
  const shared = sharedData();
  if (shared) {
    const f = readdirSync(shared)
      .filter((n) => /^btc_usdt-1m-.*\.csv\.gz$/.test(n))
      .sort()
      .at(-1);
    if (f) return path.join(shared, f);
  }
  return path.join(TEST_DATA, BYBIT_1M);
}

const file = pickFile();
const candles = loadCandles(file);
const n = candles.length;
const close = Float64Array.from(candles.map((c) => c.close));
const high = Float64Array.from(candles.map((c) => c.high));
const low = Float64Array.from(candles.map((c) => c.low));
const hlc = candles.map((c) => ({ high: c.high, low: c.low, close: c.close }));

let sink = 0;
const SLICE_MS = 150;
const ROUNDS = 5;

/** Updates per second of one slice: fresh indicators, whole passes over the candles, ≥ SLICE_MS. */
function slice(pass: () => void): number {
  let passes = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < SLICE_MS) {
    pass();
    passes++;
    elapsed = performance.now() - t0;
  }
  return (passes * n) / (elapsed / 1000);
}

/**
 * The three implementations run in interleaved slices (ours, ti, ts, ours, …) and each keeps its
 * best slice, so a burst of load from other processes does not favour whichever ran first.
 */
function measure(passes: Array<() => void>): number[] {
  for (const p of passes) for (let i = 0; i < 3; i++) p(); // warm-up: let the JIT settle
  const best = passes.map(() => 0);
  for (let r = 0; r < ROUNDS; r++) passes.forEach((p, i) => (best[i] = Math.max(best[i]!, slice(p))));
  return best;
}

interface Row {
  name: string;
  ours: () => void;
  ti: () => void;
  ts: () => void;
}

const rows: Row[] = [
  {
    name: 'SMA(20)',
    ours: () => {
      const x = new Sma(20);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!);
      sink += acc;
    },
    ti: () => {
      const x = new ti.SMA({ period: 20, values: [] });
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.nextValue(close[i]!) ?? 0;
      sink += acc;
    },
    ts: () => {
      const x = new ts.SMA(20);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!, false) ?? 0;
      sink += acc;
    },
  },
  {
    name: 'EMA(20)',
    ours: () => {
      const x = new Ema(20);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!);
      sink += acc;
    },
    ti: () => {
      const x = new ti.EMA({ period: 20, values: [] });
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.nextValue(close[i]!) ?? 0;
      sink += acc;
    },
    ts: () => {
      const x = new ts.EMA(20);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!, false) ?? 0;
      sink += acc;
    },
  },
  {
    name: 'RSI(14)',
    ours: () => {
      const x = new Rsi(14);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!);
      sink += acc;
    },
    ti: () => {
      const x = new ti.RSI({ period: 14, values: [] });
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.nextValue(close[i]!) ?? 0;
      sink += acc;
    },
    ts: () => {
      const x = new ts.RSI(14);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!, false) ?? 0;
      sink += acc;
    },
  },
  {
    name: 'ATR(14)',
    ours: () => {
      const x = new Atr(14);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(high[i]!, low[i]!, close[i]!);
      sink += acc;
    },
    ti: () => {
      const x = new ti.ATR({ period: 14, high: [], low: [], close: [] });
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.nextValue(hlc[i]! as never) ?? 0;
      sink += acc;
    },
    ts: () => {
      const x = new ts.ATR(14);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(hlc[i]!, false) ?? 0;
      sink += acc;
    },
  },
  {
    name: 'MACD(12,26,9)',
    ours: () => {
      const x = new Macd({ fast: 12, slow: 26, signal: 9 });
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!) + x.signal;
      sink += acc;
    },
    ti: () => {
      const x = new ti.MACD({ values: [], fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false });
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.nextValue(close[i]!)?.MACD ?? 0;
      sink += acc;
    },
    ts: () => {
      const x = new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9));
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!, false)?.macd ?? 0;
      sink += acc;
    },
  },
  {
    name: 'Bollinger(20,2)',
    ours: () => {
      const x = new Bollinger(20, 2);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!) + x.upper;
      sink += acc;
    },
    ti: () => {
      const x = new ti.BollingerBands({ period: 20, stdDev: 2, values: [] });
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.nextValue(close[i]!)?.upper ?? 0;
      sink += acc;
    },
    ts: () => {
      const x = new ts.BollingerBands(20, 2);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x.update(close[i]!, false)?.upper ?? 0;
      sink += acc;
    },
  },
];

/** For scale: the same loop calling a method that only returns its argument. */
class Identity {
  update(x: number): number {
    return x;
  }
}
const baseline = (): void => {
  const x = new Identity();
  let acc = 0;
  for (let i = 0; i < n; i++) acc += x.update(close[i]!);
  sink += acc;
};

const fmt = (x: number): string => `${(x / 1e6).toFixed(1)}M`;
say(`candles: ${path.basename(file)} (${n} rows); node ${process.version}`);
say(`best of ${ROUNDS} interleaved slices of >= ${SLICE_MS} ms per cell; updates per second\n`);
const [empty] = measure([baseline]) as [number];
say(`empty method call (scale of this machine right now): ${fmt(empty)}/s\n`);
const measured: { name: string; ours: number; ti: number; ts: number }[] = [];
const head = ['indicator', 'ours', 'technicalindicators', 'trading-signals', 'ours/ti (>=3x)', 'ours/ts (>=2x)'];
const lines = rows.map((r) => {
  const [o, a, b] = measure([r.ours, r.ti, r.ts]) as [number, number, number];
  measured.push({ name: r.name, ours: o, ti: a, ts: b });
  return [r.name, fmt(o), fmt(a), fmt(b), `${(o / a).toFixed(1)}x${o / a >= 3 ? '' : ' (below)'}`, `${(o / b).toFixed(1)}x${o / b >= 2 ? '' : ' (below)'}`];
});
const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
for (const l of [head, widths.map((w) => '-'.repeat(w)), ...lines]) say(l.map((x, c) => x.padEnd(widths[c]!)).join('  '));

// Strategies stream: each closed candle is one update (O(1)) and one signal; a hold's reasons
// are never formatted here (nobody reads them). Candles per second over the same candles.
say('\nstrategy updates + signals per second (one per candle, default parameters):');
const strategies: { name: string; perSec: number }[] = [];
// In a function, not at the top level: tsx's top-level code is not optimized like a hot method,
// and the strategies allocate one small signal per candle.
function strategyRate(name: string): { perSec: number; warmup: number; buys: number } {
  const v = createStrategy(name);
  if (!v.ok) throw new Error(v.error.join('; '));
  const strategy = v.value.create();
  const tf = candles[1]!.ts - candles[0]!.ts;
  for (let i = 0; i < strategy.warmup - 1; i++) strategy.update(candles[i]!);
  const evals = Math.min(n - strategy.warmup + 1, 20_000);
  const t0 = performance.now();
  let buys = 0;
  for (let i = strategy.warmup - 1; i < strategy.warmup - 1 + evals; i++) {
    strategy.update(candles[i]!);
    const sig = strategy.signal({ symbol: 'BTC/USDT', timeframeMs: tf, now: candles[i]!.ts + tf });
    if (sig.action === 'buy') buys++;
  }
  return { perSec: evals / ((performance.now() - t0) / 1000), warmup: strategy.warmup, buys };
}
for (const name of STRATEGY_NAMES) {
  strategyRate(name); // warm the JIT up
  const { perSec: per, warmup, buys } = strategyRate(name);
  strategies.push({ name, perSec: per });
  say(`  ${name.padEnd(16)} warmup ${String(warmup).padStart(4)}  ${(per / 1000).toFixed(0)}k/s  (${buys} buys)`);
}
// `sink` only keeps the JIT from discarding the loops.
if (sink === 42) say('');
if (json) console.log(JSON.stringify({ file: path.basename(file), candles: n, emptyCallPerSec: empty, indicators: measured, strategies }));
