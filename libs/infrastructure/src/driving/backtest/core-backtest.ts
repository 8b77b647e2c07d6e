import { performance } from 'node:perf_hooks';
import {
  buildReport,
  reportFill,
  EquityRecorder,
  StopLevelRecorder,
  SyncDriver,
  TradingCore,
  type BacktestReport,
  type BalanceDTO,
  type CandleQuote,
  type ReportFill,
  type TickerDTO,
} from '@cab/application';
import {
  dec,
  ExitPolicy,
  instrumentDust,
  isPositive,
  RiskManager,
  SequentialIds,
  StrategyFault,
  splitSymbol,
  validateExitConfig,
  validateRiskConfig,
  ZERO,
  ONE,
  type Candle,
  type Decimal,
} from '@cab/domain';
import { SimulatedVenue } from '../../driven/venue/paper/simulated-venue';
import { inferTimeframeMs } from '../../driven/market-data/candle-csv';
import { REPLAY_HALF_SPREAD } from '../../driven/market-data/replay-market-data';
import { assertReconciled, BacktestStrategyError, backtestStrategy, splitWarmup, type BacktestOptions } from './backtest-options';

/**
 * The backtest driver of the TradingCore (docs/core.md): the traded candles are events on a
 * virtual clock — candle k closes at first.ts + (k + 1) × timeframe, as the replay shows it to the
 * loops — and each one is handed to the core with the ticker ReplayMarketData quotes after it
 * (last = the close, bid/ask half a spread either side). The core decides; its orders go out as
 * PlaceOrder commands, which the SyncDriver sends to a SimulatedVenue (PaperVenue's matching) and
 * whose answers it hands back as OrderReports in the same turn; the equity is recorded after each
 * candle and the report is built as the loop backtest builds it. Nothing is persisted. At the end,
 * outside the timed run, one reconcile of the venue's balances against the core's books, as an
 * invariant check (SyncDriver.reconcileAtEnd): a difference throws.
 */
export async function runCoreBacktest(opts: BacktestOptions): Promise<BacktestReport> {
  const { series, history } = splitWarmup(opts);
  const candles = series.slice(history);
  const first = candles[0];
  const last = candles[candles.length - 1];
  if (!first || !last)
    throw new RangeError(history > 0 ? `no candles in the selected range after ${history} candles of warm-up` : 'no candles in the selected range');
  const tf = inferTimeframeMs(series);
  const { base, quote } = splitSymbol(opts.symbol);
  const strategy = { value: backtestStrategy(opts) };
  const s = opts.settings;
  const riskConfig = validateRiskConfig(s.risk);
  if (!riskConfig.ok) throw new RangeError(`risk settings: ${riskConfig.error.join('; ')}`);
  const exitConfig = validateExitConfig(s.exits);
  if (!exitConfig.ok) throw new RangeError(`exit settings: ${exitConfig.error.join('; ')}`);

  let now = first.ts;
  const clock = { now: () => now };
  const venue = new SimulatedVenue({ clock, ids: new SequentialIds('bt-'), startingBalances: { ...s.paper.balances } });
  const core = new TradingCore({
    symbols: [opts.symbol],
    strategy: strategy.value,
    risk: new RiskManager(riskConfig.value),
    exits: new ExitPolicy(exitConfig.value),
    fixedAmount: dec(s.trading.fixedAmount),
    bucketMs: s.idempotency.bucketMs,
    venue,
    clock,
    // Persist commands only when the store is to be written at the end (`store`): none otherwise.
    persist: opts.store !== undefined,
  });
  // PlaceOrder commands are sent to the SimulatedVenue and answered in the same turn.
  const driver = new SyncDriver(core, venue, opts.store?.take);
  const startBalances = s.paper.balances;
  const startEquity = dec(startBalances[quote] ?? '0').plus(dec(startBalances[base] ?? '0').times(dec(String(first.open))));
  const recorder = new EquityRecorder();
  // Where the stops stood, for the report's chart: offered only when the position changed (its version).
  const stops = new StopLevelRecorder();
  let stopVersion = -1;
  const quotes = new ReplayQuote(opts.symbol, tf, REPLAY_HALF_SPREAD, venue);
  const progressEvery = opts.progressEvery ?? 10_000;
  let seen: BalanceDTO | null = null;
  let held = ZERO;
  let cash = ZERO;
  // The replay shows the candles on the backtest's clock: moved by what gaps the history has
  // (none: by nothing, and the file's own candles are shown).
  const shift = first.ts - ((series[0] as Candle).ts + history * tf);
  const shown = shift === 0 ? series : series.map((c) => ({ ...c, ts: c.ts + shift }));
  const feeds = new ReplayFeed(core, opts.symbol, shown, Math.max(1, strategy.value.warmup), tf);
  // A step at every timeframe from the first traded candle's open up to the last one's close: one
  // per traded candle, and more when the file has gaps (the replay is by index, so the last candle
  // is then evaluated again until the clock gets there, as in the loop pipeline's recorded fills
  // that core-parity.spec.ts holds this to).
  const steps = Math.floor((last.ts + tf - first.ts) / tf);
  let shownIndex = -1;
  // The caller's progress callback (a progress bar; the bench's memory samples with their full GCs)
  // is not the backtest's work: its time is left out of the run's.
  let outsideMs = 0;
  const progress = (done: number, total: number): void => {
    if (!opts.onProgress) return;
    const t = performance.now();
    opts.onProgress(done, total);
    outsideMs += performance.now() - t;
  };
  const started = performance.now();
  // A throw inside the strategy (a StrategyFault from the guard) stops the run, naming the symbol.
  try {
    for (let j = 1; j <= steps; j++) {
      now = first.ts + j * tf;
      const closed = Math.min(history + j, series.length);
      feeds.catchUp(closed, now);
      if (closed - 1 !== shownIndex) {
        shownIndex = closed - 1;
        quotes.next(shown[shownIndex] as Candle);
      }
      driver.decide(opts.symbol, quotes, tf);
      // The equity after the step, as the loop backtest records it (balances re-summed only when they moved).
      const c = candles[closed - history - 1] as Candle;
      const b = venue.balance(opts.symbol);
      if (b) {
        if (b !== seen) {
          seen = b;
          held = b.freeBase.plus(b.usedBase);
          cash = b.freeQuote.plus(b.usedQuote);
        }
        const position = core.position(opts.symbol);
        const inMarket = position.openedAt !== null && isPositive(position.baseQty);
        if (position.version !== stopVersion) {
          stopVersion = position.version;
          stops.record(now, inMarket ? position.stopPrice : null, inMarket ? position.trailingStopPrice : null);
        }
        recorder.recordMarked(c.ts + tf, cash, held, c.close, inMarket);
      }
      if (j % progressEvery === 0) progress(Math.min(j, candles.length), candles.length);
    }
  } catch (e) {
    if (e instanceof StrategyFault) throw new BacktestStrategyError(opts.symbol, e);
    throw e;
  }
  if (steps % progressEvery !== 0) progress(Math.min(steps, candles.length), candles.length);
  // The recorder values only the points it kept, when they are read: inside the timed run.
  const curve = recorder.curve();
  const dailyCloses = recorder.dailyCloses();
  const elapsedMs = Math.round(performance.now() - started - outsideMs);
  // Reconcile once, at the end, as an invariant check (outside the timed run): the venue's balances against the core's books.
  assertReconciled(driver.reconcileAtEnd());

  const reportFills: ReportFill[] = core.fills.map(({ fill, reason }) => reportFill(fill, reason, quote));
  const inst = venue.instrument(opts.symbol);
  return buildReport({
    ...(inst ? { isDust: instrumentDust(inst) } : {}),
    symbol: opts.symbol,
    base,
    quote,
    strategy: strategy.value.name,
    params: opts.params ?? {},
    from: first.ts,
    to: last.ts + tf,
    candles: candles.length,
    warmupCandles: history,
    elapsedMs,
    startEquity: startEquity as Decimal,
    fills: reportFills,
    curve,
    dailyCloses,
    exposure: recorder.exposure(),
    timeframeMs: tf,
    marketOpen: dec(String(first.open)),
    marketClose: dec(String(last.close)),
    stopLevels: stops.levels(),
  });
}

/**
 * The ticker after each candle as ReplayMarketData quotes it in a backtest (last = the close as
 * decimal text, bid/ask = last ∓ last × half spread, stamped at the candle's close), built only when
 * the core asks for it, and then handed to the venue to fill against. One object for the whole run.
 */
export class ReplayQuote implements CandleQuote {
  bidApprox = 0;
  private candle: Candle | null = null;
  private built: TickerDTO | null = null;
  /** 1 − half spread and 1 + half spread: last × (1 ∓ h) is last ∓ last × h exactly (decimal products and sums do not round), one operation each. */
  private readonly below: Decimal;
  private readonly above: Decimal;
  private readonly halfFloat: number;

  constructor(
    private readonly symbol: string,
    private readonly tf: number,
    halfSpread: string,
    private readonly venue: SimulatedVenue,
  ) {
    const half = dec(halfSpread);
    this.below = ONE.minus(half);
    this.above = ONE.plus(half);
    this.halfFloat = Number(halfSpread);
  }

  next(c: Candle): void {
    this.candle = c;
    this.built = null;
    this.bidApprox = c.close * (1 - this.halfFloat);
  }

  ticker(): TickerDTO {
    if (this.built) return this.built;
    const c = this.candle as Candle;
    // String(number) of a value parsed from decimal text gives that text back (shortest round trip).
    const last = dec(String(c.close));
    const t: TickerDTO = { symbol: this.symbol, bid: last.times(this.below), ask: last.times(this.above), last, ts: c.ts + this.tf };
    this.built = t;
    this.venue.quote(t);
    return t;
  }
}

/**
 * StrategyFeeds' catch-up over the replayed series, synchronously: each step feeds the candles
 * closed since the last one fed if they continue it (one timeframe apart, half a timeframe of
 * tolerance), and otherwise — the first step, a gap in the file, time going back — starts the
 * strategy over from the last `warmup` closed candles. So the core's strategy sees exactly what
 * the eval loop's does, gaps included.
 */
export class ReplayFeed {
  /** Time of the last candle fed (NaN before the first). */
  private lastTs = Number.NaN;

  constructor(
    private readonly core: TradingCore,
    private readonly symbol: string,
    private readonly shown: readonly Candle[],
    private readonly warmup: number,
    private readonly tf: number,
  ) {}

  /** `closed`: how many candles of the series are closed at `now`. */
  catchUp(closed: number, now: number): void {
    const last = this.lastTs;
    if (!Number.isNaN(last)) {
      const behind = Math.floor((now - last) / this.tf) + 1;
      if (behind <= this.warmup && this.continueWith(Math.max(0, closed - Math.max(2, behind)), closed, last)) return;
    }
    const start = Math.max(0, closed - this.warmup);
    this.core.seed(this.symbol, this.shown.slice(start, closed));
    this.lastTs = closed > start ? (this.shown[closed - 1] as Candle).ts : Number.NaN;
  }

  /** StrategyFeeds.continueWith on the window [start, end): false (nothing fed) when it does not continue. */
  private continueWith(start: number, end: number, last: number): boolean {
    const shown = this.shown;
    let i = end;
    while (i > start && (shown[i - 1] as Candle).ts > last) i--;
    if (i === end) return end > start && (shown[end - 1] as Candle).ts === last;
    let prev = last;
    for (let k = i; k < end; k++) {
      const ts = (shown[k] as Candle).ts;
      if (Math.abs(ts - prev - this.tf) >= this.tf / 2) return false;
      prev = ts;
    }
    for (; i < end; i++) this.core.feed(this.symbol, shown[i] as Candle);
    this.lastTs = prev;
    return true;
  }
}
