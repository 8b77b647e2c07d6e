import { performance } from 'node:perf_hooks';
import {
  buildReport,
  EquityRecorder,
  exitReasonStats,
  reportFill,
  tradeFigures,
  periodBreakdown,
  SyncDriver,
  TradingCore,
  type BacktestReport,
  type ReportFill,
  type ReportSummary,
} from '@cab/application';
import {
  dec,
  ExitPolicy,
  instrumentDust,
  RiskManager,
  SequentialIds,
  splitSymbol,
  str,
  StrategyFault,
  validateExitConfig,
  validateRiskConfig,
  ZERO,
  type Candle,
  type Decimal,
} from '@cab/domain';
import { SimulatedVenue } from '../../driven/venue/paper/simulated-venue';
import { inferTimeframeMs } from '../../driven/market-data/candle-csv';
import { REPLAY_HALF_SPREAD } from '../../driven/market-data/replay-market-data';
import { assertReconciled, BacktestStrategyError, backtestStrategy, splitWarmup, type BacktestOptions } from './backtest-options';
import { ReplayFeed, ReplayQuote } from './core-backtest';

/** One symbol's candles in a portfolio backtest. */
export interface SymbolCandles {
  readonly symbol: string;
  /** Ascending, one timeframe (the same for every symbol). */
  readonly candles: readonly Candle[];
}

export interface PortfolioBacktestOptions extends Omit<BacktestOptions, 'candles' | 'symbol'> {
  /** Two or more symbols, each with its candles; one portfolio trades them all. */
  readonly datasets: readonly SymbolCandles[];
}

/** A portfolio backtest's report: the portfolio's (summary.symbol lists the symbols) and each symbol's own summary. */
export interface PortfolioReport extends BacktestReport {
  readonly symbols: readonly ReportSummary[];
}

interface Leg {
  readonly symbol: string;
  readonly base: string;
  readonly series: readonly Candle[];
  readonly history: number;
  readonly feed: ReplayFeed;
  readonly quote: ReplayQuote;
  /** Candles of `series` closed so far, and the one the quote shows. */
  closed: number;
  shown: number;
}

/**
 * One portfolio over several symbols on one clock (docs/core.md): the candles of every symbol are
 * merged by time, and at each timeframe step every symbol with a traded candle closed by then is
 * decided, in the order given, by ONE TradingCore — one strategy instance per symbol, one venue and
 * balance (the quote currency is shared), the same risk rules, so RISK_MAX_OPEN_POSITIONS,
 * RISK_MAX_TOTAL_EXPOSURE_QUOTE and RISK_MAX_POSITION_BASE (per symbol) bind across the symbols.
 * Each symbol has its own warm-up (the first `warmupCandles` of its own file, or those before
 * `from`). The equity is the shared quote plus every base at its last close. One symbol's
 * backtest keeps to runCoreBacktest, whose fills the live pipeline's are held to.
 */
export async function runPortfolioBacktest(opts: PortfolioBacktestOptions): Promise<PortfolioReport> {
  if (opts.datasets.length < 1) throw new RangeError('no candle files');
  const symbols = opts.datasets.map((d) => d.symbol);
  const twice = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (twice) throw new RangeError(`${twice}: two candle files for one symbol`);
  const strategy = backtestStrategy(opts);
  const s = opts.settings;
  const riskConfig = validateRiskConfig(s.risk);
  if (!riskConfig.ok) throw new RangeError(`risk settings: ${riskConfig.error.join('; ')}`);
  const exitConfig = validateExitConfig(s.exits);
  if (!exitConfig.ok) throw new RangeError(`exit settings: ${exitConfig.error.join('; ')}`);
  const quoteCcy = splitSymbol(symbols[0] as string).quote;
  for (const sym of symbols)
    if (splitSymbol(sym).quote !== quoteCcy) throw new RangeError(`${sym}: every symbol of one portfolio is quoted in one currency (${quoteCcy})`);

  const split = opts.datasets.map((d) => ({ d, ...splitWarmup({ ...opts, candles: d.candles, symbol: d.symbol }) }));
  const tf = inferTimeframeMs(split[0]!.series);
  for (const x of split) {
    if (x.history >= x.series.length) throw new RangeError(`${x.d.symbol}: no candles in the selected range after ${x.history} candles of warm-up`);
    const t = inferTimeframeMs(x.series);
    if (t !== tf) throw new RangeError(`${x.d.symbol}: candles of ${t / 60_000} min, the others ${tf / 60_000} min; one timeframe for every symbol`);
  }
  const first = Math.min(...split.map((x) => (x.series[x.history] as Candle).ts));
  const end = Math.max(...split.map((x) => (x.series[x.series.length - 1] as Candle).ts + tf));

  let now = first;
  const clock = { now: () => now };
  const venue = new SimulatedVenue({ clock, ids: new SequentialIds('bt-'), startingBalances: { ...s.paper.balances } });
  const core = new TradingCore({
    symbols,
    strategy,
    risk: new RiskManager(riskConfig.value),
    exits: new ExitPolicy(exitConfig.value),
    fixedAmount: dec(s.trading.fixedAmount),
    bucketMs: s.idempotency.bucketMs,
    venue,
    clock,
    // Persist commands only when the store is to be written at the end (`store`): none otherwise.
    persist: opts.store !== undefined,
  });
  const driver = new SyncDriver(core, venue, opts.store?.take);
  for (const sym of symbols)
    if (!venue.instrument(sym)) throw new RangeError(`${sym}: the simulated venue has no such market (it knows Gate's BTC/USDT and ETH/USDT)`);
  const legs: Leg[] = split.map((x) => ({
    symbol: x.d.symbol,
    base: splitSymbol(x.d.symbol).base,
    series: x.series,
    history: x.history,
    feed: new ReplayFeed(core, x.d.symbol, x.series, Math.max(1, strategy.warmup), tf),
    quote: new ReplayQuote(x.d.symbol, tf, REPLAY_HALF_SPREAD, venue),
    closed: 0,
    shown: -1,
  }));
  const balances = s.paper.balances;
  let startEquity = dec(balances[quoteCcy] ?? '0');
  for (const leg of legs) startEquity = startEquity.plus(dec(balances[leg.base] ?? '0').times(dec(String((leg.series[leg.history] as Candle).open))));

  const recorder = new EquityRecorder();
  const steps = Math.floor((end - first) / tf);
  const progressEvery = opts.progressEvery ?? 10_000;
  const started = performance.now();
  let current = '';
  try {
    for (let j = 1; j <= steps; j++) {
      now = first + j * tf;
      for (const leg of legs) {
        current = leg.symbol;
        const series = leg.series;
        while (leg.closed < series.length && (series[leg.closed] as Candle).ts + tf <= now) leg.closed++;
        // Not trading yet: its first traded candle has not closed.
        if (leg.closed <= leg.history) continue;
        leg.feed.catchUp(leg.closed, now);
        if (leg.closed - 1 !== leg.shown) {
          leg.shown = leg.closed - 1;
          leg.quote.next(series[leg.shown] as Candle);
        }
        driver.decide(leg.symbol, leg.quote, tf);
      }
      recordEquity(recorder, venue, core, legs, now);
      if (j % progressEvery === 0) opts.onProgress?.(j, steps);
    }
  } catch (e) {
    if (e instanceof StrategyFault) throw new BacktestStrategyError(current, e);
    throw e;
  }
  if (steps % progressEvery !== 0) opts.onProgress?.(steps, steps);
  const elapsedMs = Math.round(performance.now() - started);
  // Reconcile once, at the end, as an invariant check (outside the timed run): the venue's balances against the core's books.
  assertReconciled(driver.reconcileAtEnd());

  const fills: ReportFill[] = core.fills.map(({ fill, reason }) => reportFill(fill, reason, quoteCcy));
  const candles = legs.reduce((n, l) => n + l.series.length - l.history, 0);
  const common = { strategy: strategy.name, params: opts.params ?? {}, elapsedMs, timeframeMs: tf };
  // Each symbol's round trips from its own fills (a round trip is one symbol's: flat → long → flat).
  const perSymbol = legs.map((leg) => {
    const inst = venue.instrument(leg.symbol);
    return buildReport({
      ...common,
      ...(inst ? { isDust: instrumentDust(inst) } : {}),
      symbol: leg.symbol,
      base: leg.base,
      quote: quoteCcy,
      from: (leg.series[leg.history] as Candle).ts,
      to: (leg.series[leg.series.length - 1] as Candle).ts + tf,
      candles: leg.series.length - leg.history,
      warmupCandles: leg.history,
      startEquity: ZERO,
      fills: fills.filter((f) => f.symbol === leg.symbol),
      curve: [],
      dailyCloses: [],
      exposure: 0,
      marketOpen: dec(String((leg.series[leg.history] as Candle).open)),
      marketClose: dec(String((leg.series[leg.series.length - 1] as Candle).close)),
    });
  });
  // The portfolio: its equity curve (drawdown, Sharpe, net PnL), the symbols' trades together.
  const whole = buildReport({
    ...common,
    symbol: symbols.join(','),
    base: '',
    quote: quoteCcy,
    from: first,
    to: end,
    candles,
    warmupCandles: legs.reduce((n, l) => n + l.history, 0),
    startEquity,
    fills: [],
    curve: recorder.curve(),
    dailyCloses: recorder.dailyCloses(),
    exposure: recorder.exposure(),
    // Buy and hold of a portfolio has no one price: basketHold replaces it below.
    marketOpen: ZERO,
    marketClose: ZERO,
  });
  const closedTrades = perSymbol.flatMap((r) => r.closedTrades).sort((a, b) => a.closedTs - b.closedTs);
  const dailyCloses = recorder.dailyCloses();
  const sum = (pick: (r: BacktestReport) => string): Decimal => perSymbol.reduce((acc, r) => acc.plus(dec(pick(r))), ZERO);
  return {
    ...whole,
    summary: {
      ...whole.summary,
      fills: fills.length,
      ...tradeFigures(closedTrades.map((c) => ({ pnlQuote: dec(c.pnl) }))),
      realizedPnl: str(sum((r) => r.summary.realizedPnl)),
      fees: str(sum((r) => r.summary.fees)),
    },
    trades: fills,
    closedTrades,
    buyAndHold: basketHold(legs, startEquity),
    // Every symbol's round trips, by the portfolio's days.
    periods: {
      day: periodBreakdown('day', dailyCloses, startEquity, closedTrades),
      week: periodBreakdown('week', dailyCloses, startEquity, closedTrades),
      month: periodBreakdown('month', dailyCloses, startEquity, closedTrades),
    },
    exitReasons: exitReasonStats(closedTrades),
    symbols: perSymbol.map((r) => r.summary),
  };
}

/** Equity after a step: the shared quote plus each base at its last close (the chart's price is the first symbol's). */
function recordEquity(recorder: EquityRecorder, venue: SimulatedVenue, core: TradingCore, legs: readonly Leg[], now: number): void {
  let cash: Decimal | null = null;
  let held = ZERO;
  let inMarket = false;
  let price = Number.NaN;
  for (const leg of legs) {
    if (leg.shown < 0) continue;
    const close = (leg.series[leg.shown] as Candle).close;
    if (Number.isNaN(price)) price = close;
    const b = venue.balance(leg.symbol);
    if (!b) continue;
    cash ??= b.freeQuote.plus(b.usedQuote);
    const base = b.freeBase.plus(b.usedBase);
    if (base.gt(ZERO)) held = held.plus(base.times(dec(String(close))));
    const p = core.position(leg.symbol);
    if (p.openedAt !== null && p.baseQty.gt(ZERO)) inMarket = true;
  }
  if (cash === null) return;
  recorder.record(now, cash.plus(held), price, inMarket);
}

/**
 * Buy and hold of a portfolio: the start equity spread evenly over the symbols, each bought at its
 * first traded open and valued at its last close, before fees. Its "prices" are the basket's index
 * (1 at the start), since no one symbol's price says what the basket did.
 */
function basketHold(legs: readonly Leg[], startEquity: Decimal): BacktestReport['buyAndHold'] {
  const share = startEquity.div(dec(String(legs.length)));
  let end = ZERO;
  for (const leg of legs) {
    const open = dec(String((leg.series[leg.history] as Candle).open));
    const close = dec(String((leg.series[leg.series.length - 1] as Candle).close));
    end = end.plus(open.gt(ZERO) ? share.times(close).div(open) : share);
  }
  const pnl = end.minus(startEquity);
  return {
    entryPrice: '1',
    exitPrice: startEquity.gt(ZERO) ? str(end.div(startEquity).round(6)) : '1',
    endEquity: str(end),
    pnl: str(pnl),
    returnPct: startEquity.gt(ZERO) ? str(pnl.div(startEquity).times(dec('100')).round(4)) : '0',
  };
}
