import { performance } from 'node:perf_hooks';
import {
  buildReport,
  reportFill,
  EquityRecorder,
  noopLogger,
  VirtualScheduler,
  type BacktestReport,
  type BalanceDTO,
  type FillRecord,
  type FillsRepository,
  type ReportFill,
} from '@cab/application';
import { createStrategy, dec, instrumentDust, SequentialIds, splitSymbol, ZERO, type Decimal } from '@cab/domain';
import { compose } from '../compose/compose';
import { inferTimeframeMs } from '../market-data/candle-csv';
import { ReplayMarketData } from '../market-data/replay-market-data';
import type { Settings } from '../settings';
import { splitWarmup, type BacktestOptions } from './backtest-options';
import { openSqliteStorage } from '../storage/sqlite-storage';

/**
 * A backtest is the live pipeline on a virtual clock: compose() builds exactly what paper trading
 * runs — orchestrator, use cases, risk manager, exits, idempotency, PaperBroker, SQLite (in
 * memory) — and a VirtualScheduler drives its loops over the replayed candles. Nothing here
 * decides a trade; it only feeds time and records equity. Same inputs → byte-identical fills
 * (sequential ids, virtual time).
 */
export async function runLoopBacktest(opts: BacktestOptions): Promise<BacktestReport> {
  const { series, history } = splitWarmup(opts);
  // The traded range: what the loop below steps through and what the report covers.
  const candles = series.slice(history);
  const first = candles[0];
  const last = candles[candles.length - 1];
  if (!first || !last)
    throw new RangeError(history > 0 ? `no candles in the selected range after ${history} candles of warm-up` : 'no candles in the selected range');
  const tf = inferTimeframeMs(series);
  const { base, quote } = splitSymbol(opts.symbol);
  const strategy = createStrategy(opts.strategy, opts.params ?? {});
  if (!strategy.ok) throw new RangeError(strategy.error.join('; '));

  const s = opts.settings;
  const reconcileMs = tf * (opts.reconcileEveryCandles ?? 60);
  const settings: Settings = {
    ...s,
    mode: 'paper',
    symbol: opts.symbol,
    symbols: [opts.symbol],
    // The watchdog runs on the reconcile's cadence: in virtual time a loop cannot stall (time moves
    // only when every step has finished), so a check per candle would only cost time.
    intervals: { evalSec: tf / 1000, exitsSec: tf / 1000, reconcileSec: reconcileMs / 1000, watchdogSec: reconcileMs / 1000 },
    // In virtual time a loop is stalled only past its own interval: keep the watchdog's limit above the longest.
    dmsTimeoutMs: Math.max(s.dmsTimeoutMs, 3 * reconcileMs),
    db: { ...s.db, path: ':memory:' },
    autostart: false,
  };

  const vs = new VirtualScheduler({ startMs: first.ts });
  // As in the server's replay: the history is already closed when the clock starts at the first traded candle.
  const replay = new ReplayMarketData({
    series: new Map([[opts.symbol, series]]),
    clock: vs,
    speed: 1,
    loop: false,
    anchorMs: first.ts,
    warmupCandles: history,
    timeframeMs: tf,
  });
  // The loop counts traded candles only (candles[closed - 1] is the last closed one).
  const marketData = { closedCount: (symbol: string) => replay.closedCount(symbol) - history };
  const storage = openSqliteStorage({ path: ':memory:', allowInMemory: true, clock: vs });
  const logger = opts.logger ?? noopLogger;
  const app = await compose(settings, {
    clock: vs,
    scheduler: vs,
    timers: vs,
    ids: new SequentialIds('bt-'),
    marketData: replay,
    storage,
    strategy: strategy.value,
    logger,
    instanceLock: null,
    // The loops' backtest whatever ENGINE defaults to: core-parity.spec compares the core against it.
    engine: 'loops',
  });

  const startBalances = settings.paper.balances;
  const startEquity = dec(startBalances[quote] ?? '0').plus(dec(startBalances[base] ?? '0').times(dec(String(first.open))));
  const recorder = new EquityRecorder();
  const started = performance.now();
  try {
    await app.orchestrator.start();
    // Registered after the orchestrator's loops: at each candle it runs after evaluate and exits.
    // Balances change only when an order executes; the paper broker then hands out new Decimals,
    // so the same four objects mean the same balances and the sums need not be redone.
    let seen: BalanceDTO | null = null;
    let held = ZERO;
    let cash = ZERO;
    vs.every('backtest.equity', tf, async () => {
      const n = marketData.closedCount(opts.symbol);
      const c = candles[n - 1];
      if (!c) return;
      const b = await app.broker.fetchBalance(opts.symbol);
      if (!b.ok) return;
      const v = b.value;
      if (!seen || v.freeBase !== seen.freeBase || v.usedBase !== seen.usedBase || v.freeQuote !== seen.freeQuote || v.usedQuote !== seen.usedQuote) {
        seen = v;
        held = v.freeBase.plus(v.usedBase);
        cash = v.freeQuote.plus(v.usedQuote);
      }
      // In the market means an open round trip, as the strategy is told: the base left over after
      // a sell (dust, below the exchange minimum) is valued but is not a position — counting it
      // put a run "in the market" on nearly every candle after its first trade.
      const position = await app.storage.positions.get(opts.symbol);
      const inMarket = position !== null && position.openedAt !== null && position.baseQty.gt(ZERO);
      // Valued only if the recorder keeps this point: most candles are not sampled.
      const base = held;
      const quote = cash;
      recorder.record(c.ts + tf, held.gt(ZERO) ? () => quote.plus(base.times(dec(String(c.close)))) : quote, c.close, inMarket);
    });
    const end = last.ts + tf;
    const step = tf * (opts.progressEvery ?? 10_000);
    for (let t = first.ts + step; ; t += step) {
      await vs.advanceTo(Math.min(t, end));
      opts.onProgress?.(Math.min(marketData.closedCount(opts.symbol), candles.length), candles.length);
      if (t >= end) break;
    }
    await app.orchestrator.stop();
    await app.bus.drain();
    const elapsedMs = Math.round(performance.now() - started);

    const fills = await allFills(app.storage.fills, opts.symbol);
    const reasons = new Map<string, string | null>();
    const reportFills: ReportFill[] = [];
    for (const f of fills) {
      if (!reasons.has(f.clientOrderId)) reasons.set(f.clientOrderId, (await app.storage.orders.byClientOrderId(f.clientOrderId))?.reason ?? null);
      reportFills.push(reportFill(f, reasons.get(f.clientOrderId) ?? null, quote));
    }
    const inst = await app.broker.instrument(opts.symbol);
    const isDust = inst.ok ? instrumentDust(inst.value) : undefined;
    return buildReport({
      ...(isDust ? { isDust } : {}),
      symbol: opts.symbol,
      base,
      quote,
      strategy: strategy.value.name,
      params: opts.params ?? {},
      from: first.ts,
      to: end,
      candles: candles.length,
      warmupCandles: history,
      elapsedMs,
      startEquity: startEquity as Decimal,
      fills: reportFills,
      curve: recorder.curve(),
      dailyCloses: recorder.dailyCloses(),
      exposure: recorder.exposure(),
      timeframeMs: tf,
      marketOpen: dec(String(first.open)),
      marketClose: dec(String(last.close)),
    });
  } finally {
    await app.close();
    await storage.close();
  }
}

const PAGE = 10_000;

/**
 * Every fill of the run, oldest first. The repository answers at most 10,000 rows a call (1,000
 * by default — a year's report once stopped there), so it is read in pages from the last
 * timestamp seen, dropping the fills of that timestamp already read.
 */
async function allFills(fills: FillsRepository, symbol: string): Promise<FillRecord[]> {
  const out: FillRecord[] = [];
  const seen = new Set<string>();
  let since: number | undefined;
  for (;;) {
    const page = await fills.bySymbol(symbol, since, PAGE);
    let added = 0;
    for (const f of page) {
      const key = `${f.exchange}|${f.tradeId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(f);
      added++;
    }
    const last = page[page.length - 1];
    if (page.length < PAGE || !last || added === 0) return out;
    since = last.ts;
  }
}
