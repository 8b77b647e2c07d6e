// Prints how fast the composed pipeline runs in virtual time: the whole bot (paper broker, SQLite
// file, audit, bus) over the bundled BTC/USDT day, driven by a VirtualScheduler at speed 1, as a
// backtest will drive it. Figures only; never fails.
// Run: TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx libs/infrastructure/bench/pipeline.bench.ts
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualScheduler, noopLogger } from '@cab/application';
import { SequentialIds } from '@cab/domain/testing';
import { ReplayMarketData, bundledCandleFile, compose, inferTimeframeMs, parseSettings, readCandleFile } from '@cab/infrastructure';

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(join(tmpdir(), 'cab-bench-'));
  try {
    const candles = readCandleFile(bundledCandleFile());
    const tf = inferTimeframeMs(candles);
    const warmup = 200;
    const start = candles[0]!.ts;
    const vs = new VirtualScheduler({ startMs: start });
    const marketData = new ReplayMarketData({
      series: new Map([['BTC/USDT', candles]]),
      clock: vs,
      speed: 1,
      loop: false,
      anchorMs: start,
      warmupCandles: warmup,
      timeframeMs: tf,
    });
    const env = {
      DB_PATH: join(dir, 'bench.db'),
      EVAL_INTERVAL_SEC: String(tf / 1000),
      EXITS_INTERVAL_SEC: String(tf / 1000),
      RECONCILE_INTERVAL_SEC: '3600',
      WATCHDOG_INTERVAL_SEC: String(tf / 1000),
      RISK_MAX_ORDERS_PER_HOUR: '100',
      RISK_LOSS_STREAK_MAX: '0',
      RISK_DAILY_LOSS_LIMIT_QUOTE: '0',
    };
    const settings = parseSettings(env, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
    const app = await compose(settings, { clock: vs, scheduler: vs, timers: vs, ids: new SequentialIds('b-'), marketData, logger: noopLogger });
    await app.orchestrator.start();
    const steps = candles.length - warmup - 1;
    const t0 = process.hrtime.bigint();
    await vs.advance(steps * tf);
    await app.bus.drain();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const s = app.orchestrator.status();
    const orders = await app.storage.orders.find({ limit: 10_000 });
    const audit = await app.storage.audit.find({ limit: 100_000 });
    console.log(
      `pipeline over ${steps} one-minute candles (virtual time, paper, SQLite file): ${ms.toFixed(0)} ms = ` +
        `${((steps * 1000) / ms).toFixed(0)} candles/s; eval runs ${s.loops.eval.runs}, exits runs ${s.loops.exits.runs}, ` +
        `orders ${orders.length}, audit rows ${audit.length}, loop errors ${s.loops.eval.errors + s.loops.exits.errors}`,
    );
    await app.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
