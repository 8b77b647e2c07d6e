import { StrategyFault, str, type Clock, type IdGenerator } from '@cab/domain';
import type { EventBus } from '../ports/event-bus';
import type { Broker, BrokerResult, OrderDTO } from '../ports/broker';
import { errorText, type Logger } from '../ports/logger';
import type { MarketData } from '../ports/market-data';
import type { Metrics } from '../ports/metrics';
import type { Scheduler } from '../ports/scheduler';
import type { PipelineStores } from '../pipeline/deps';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import type { Halt, HaltCode } from '../pipeline/trading-state';
import { TimerLoop } from './timer-loop';
import { LOOP_NAMES, type LoopName, type OrchestratorControl, type OrchestratorStatus } from './runtime-status';
import type { ReconcileFindings } from '../reconciliation/reconcile-report';
import type { CountdownSwitch } from '../safety/countdown-switch';
import { describeForeignOrders, foreignOpenOrders } from '../safety/foreign-orders';
import { Watchdog } from '../safety/watchdog';
import type { CoreEvent } from './core-events';
import type { CoreOutput } from './core-output';
import { CorePublisher } from './core-publisher';
import type { EdgeStatus } from './edge-status';
import { EventDriver, describePersist } from './event-driver';
import { MarketDataPump } from './market-data-pump';
import { ReconcilePump } from './reconcile-pump';
import type { TradingCore } from './trading-core';
import type { CandleQuote } from './venue-view';
import type { VenueCache } from './venue-cache';
import { withVenueTrades } from './venue-trades';

/** The halt of each refusal of a signed read, and its words. */
const REFUSAL_HALTS = {
  auth: ['BROKER.AUTH', 'the exchange refused our API key or secret'],
  clock: ['BROKER.CLOCK', "the exchange refused our request time (the local clock is off and could not be corrected from the exchange's time)"],
} as const;

export interface CoreRuntimeOptions {
  mode: 'paper' | 'live';
  core: TradingCore;
  /** The core's VenueView: the runtime fills it (instruments at start, balances, the book before an evaluation). */
  venue: VenueCache;
  broker: Broker;
  marketData: MarketData;
  stores: PipelineStores;
  bus: EventBus;
  logger: Logger;
  metrics: Metrics;
  ids: IdGenerator;
  /** The wall clock: cadence, stall detection, status times (the core has its own clock). */
  clock: Clock;
  /** Real timers in the apps; a VirtualScheduler in tests. */
  scheduler: Scheduler;
  /**
   * settings.intervals: `eval` polls the market data (a CandleClosed per closed candle, else a
   * Quote), `exits` reads the ticker (a Quote), `reconcile` asks the venue for a report,
   * `watchdog` checks the others and refreshes the dead man's switch.
   */
  intervalsMs: Record<LoopName, number>;
  /** IDEMPOTENCY_TTL_SEC × 1000. */
  idempotencyTtlMs: number;
  countdown: CountdownSwitch;
  /** DMS_TIMEOUT_MS: the countdown, and the stall threshold of the pumps. */
  dmsTimeoutMs: number;
  /** How far back the risk ledger is replayed at start (default a week). */
  ledgerReplayMs?: number;
  /** A ticker older than this makes no event (MarketDataPump; default 30 s). */
  maxQuoteAgeMs?: number;
  /** Closed candles read per poll, the strategy's warm-up on the first (MarketDataPump; default 200). */
  historyCandles?: number;
  /** The strategy's name, for the signal audit entries. */
  strategyName?: string;
}

/**
 * Paper and live on the trading core (docs/core.md, "Drivers"): the EventDriver (queue,
 * write-ahead, persist chain, recovery), its edge adapters (MarketDataPump, ReconcilePump, the
 * ticker read of the exits cadence), the VenueView they fill, the watchdog, and the facts — the
 * core's Publish facts and the edge's own (EdgeFact) — carried out by one CorePublisher (audit, bus,
 * metrics). It is the OrchestratorControl the apps, the
 * HTTP routes, the dashboard and Telegram already drive; its four timers report as the `loops`
 * eval, exits, reconcile and watchdog, so /api/status and the `loops` health check read them.
 *
 * start(): the instruments and balances are read, the store is loaded into the core (recovery is
 * the path after a crash) and the reconcile it asks for is carried out before any evaluation; a
 * first pass with failed reads halts entries (RECONCILE.MISMATCH) until a pass reads everything.
 * stop(): the timers stop, then the sends and writes in flight finish, the store writes still waiting
 * are tried once more (what cannot be written is logged as an error), then the countdown is disarmed.
 * The watchdog's cadence retries waiting store writes too (EventDriver: STORE.WRITE halts entries meanwhile).
 * Every adapter reads first and enqueues after: no decision reads state across an await.
 */
export class CoreRuntime implements OrchestratorControl {
  readonly driver: EventDriver;
  readonly publisher: CorePublisher;
  private readonly pump: MarketDataPump;
  private readonly reconciler: ReconcilePump;
  private readonly watchdog: Watchdog;
  private readonly loops: Record<LoopName, TimerLoop>;
  private state: OrchestratorStatus['state'] = 'stopped';
  private startedAt: number | null = null;
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private recovered = false;
  private recovering: Promise<void> | null = null;
  /** The sequence number of the reconcile the core asked for at recovery, carried out before the timers start. */
  private requestedSeq: number | null = null;
  /** Read failures of the reconcile pass under way (null: none under way). */
  private passProblems: string[] | null = null;
  /** Facts of the reconcile pass under way, for reconcileNow's findings. */
  private passMismatches: { symbol: string; halting: boolean; text: string }[] | null = null;
  private passRepairs = 0;
  /** Set when a pass could not read everything; cleared by the next pass that reads everything. */
  private readFailureHalt = false;
  private readonly pending = new Set<Promise<unknown>>();
  /** This eval poll, per symbol: null when it handed over a closed candle (evaluated), else the quote it read. */
  private readonly polled = new Map<string, CandleQuote | null>();
  /** When each order's PlaceOrder began to be carried out (its write-ahead): `cab_order_seconds` runs from there to the venue's answer. */
  private readonly placedAt = new Map<string, number>();
  private lastFindings: ReconcileFindings = { checked: 0, mismatches: 0, repaired: 0, halting: [], errors: [] };

  constructor(private readonly opts: CoreRuntimeOptions) {
    const { core, venue, broker, logger, metrics, clock } = opts;
    if (core.symbols.length === 0) throw new RangeError('the core runtime needs at least one symbol');
    this.publisher = new CorePublisher({
      ids: opts.ids,
      audit: opts.stores.audit,
      bus: opts.bus,
      metrics,
      logger: logger.child({ component: 'core' }),
      clock: core,
      positionBase: (symbol) => str(core.position(symbol).baseQty),
      positionOpen: (symbol) => core.position(symbol).openedAt !== null,
      ...(opts.strategyName !== undefined ? { strategy: opts.strategyName } : {}),
    });
    // Order answers reach the core with the venue's trades (venue-trades.ts): a look whose trades cannot be read yet is no look.
    // A send's or cancel's answer whose trades cannot be read keeps the order working ('open', what filled applied):
    // the reconcile look that can read them finishes it, so no trade is missing from the fills table.
    const trades = (symbol: string, r: BrokerResult<OrderDTO>) =>
      withVenueTrades(broker, symbol, r).then((w): BrokerResult<OrderDTO> =>
        w.complete || !w.result.ok ? w.result : { ok: true, value: { ...w.result.value, status: 'open' } },
      );
    this.reconciler = new ReconcilePump({
      symbols: core.symbols,
      broker: {
        capabilities: broker.capabilities,
        fetchOpenOrders: (symbol) => broker.fetchOpenOrders(symbol),
        // Through the VenueView: the pass's balances feed it before the core sees the report (a read begun later and answered first wins).
        fetchBalance: (symbol) => venue.readBalanceResult(symbol),
        fetchMyTrades: (symbol, since) => broker.fetchMyTrades(symbol, since),
        fetchOrder: async (symbol, ref) => {
          const w = await withVenueTrades(broker, symbol, await broker.fetchOrder(symbol, ref));
          return w.complete
            ? w.result
            : { ok: false, error: { kind: 'retryable', code: 'TRADES.UNREAD', message: 'filled, but its trades could not be read yet' } };
        },
      },
      core,
      now: () => clock.now(),
      stored: async (id) => (await opts.stores.orders.byExchangeOrderId(broker.name, id)) !== null,
      onStatus: (s) => this.edgeStatus(s),
      enqueue: (e) => this.enqueue(e),
    });
    this.driver = new EventDriver({
      core,
      broker: {
        createMarketBuyQuote: async (symbol, quote, coid) =>
          this.answered(coid, 'buy', await trades(symbol, await broker.createMarketBuyQuote(symbol, quote, coid))),
        createMarketSellBase: async (symbol, base, coid) =>
          this.answered(coid, 'sell', await trades(symbol, await broker.createMarketSellBase(symbol, base, coid))),
      },
      stores: opts.stores,
      idempotencyTtlMs: opts.idempotencyTtlMs,
      cancel: async (symbol, clientOrderId, exchangeOrderId) =>
        trades(symbol, await broker.cancelOrder(symbol, exchangeOrderId ? { id: exchangeOrderId } : { clientOrderId })),
      reconcile: (c) => {
        // At recovery the pass waits for start(), which runs it before the timers; later, at once.
        if (!this.recovered) this.requestedSeq = c.requestedAtSeq;
        else this.track(this.reconcilePass(c.requestedAtSeq));
      },
      // Pairs each order with the verdict that placed it: a correlation id reads signal, risk, placing, outcome (docs/core.md, "Shape").
      placing: (order) => {
        this.placedAt.set(order.clientOrderId, clock.now());
        // An order refused before its send never answers: the oldest start is let go past a bound.
        if (this.placedAt.size > 1_000) this.placedAt.delete(this.placedAt.keys().next().value as string);
        this.publisher.placing(order);
      },
      sending: (order) => this.publisher.sending(order),
      publish: (fact) => this.onFact(fact),
      onError: (c, e) =>
        logger.error(
          'a core command could not be carried out',
          c.kind === 'persist' ? { command: c.kind, what: describePersist(c), error: e } : { command: c.kind, error: e },
        ),
      onBacklog: (pending) => this.publisher.publish({ kind: 'store-backlog', ts: clock.now(), pending }),
    });
    // Present from the start (0), so a dashboard or alert rule sees the series before the first failure.
    this.publisher.publish({ kind: 'store-backlog', ts: clock.now(), pending: 0 });
    this.pump = new MarketDataPump({
      symbols: core.symbols,
      marketData: opts.marketData,
      clock: core,
      enqueue: (e) => {
        if (e.kind === 'candle-closed') this.polled.set(e.symbol, null);
        else if (e.kind === 'quote' && !this.polled.has(e.symbol)) this.polled.set(e.symbol, e.quote);
        this.enqueue(e);
      },
      seed: (symbol, history) => {
        try {
          core.seed(symbol, history);
        } catch (err) {
          this.strategyFailed(symbol, err);
        }
      },
      onStatus: (s) => this.edgeStatus(s),
      ...(opts.maxQuoteAgeMs !== undefined ? { maxQuoteAgeMs: opts.maxQuoteAgeMs } : {}),
      ...(opts.historyCandles !== undefined ? { history: opts.historyCandles } : {}),
    });
    const loopDeps = { clock, logger: logger.child({ component: 'core-runtime' }), metrics };
    this.watchdog = new Watchdog({
      symbols: core.symbols,
      clock,
      publish: (f) => this.publisher.publish(f),
      countdown: opts.countdown,
      dmsTimeoutMs: opts.dmsTimeoutMs,
      trading: this.edgeHalts(),
    });
    this.loops = {
      eval: new TimerLoop('eval', opts.intervalsMs.eval, () => this.evalStep(), loopDeps),
      exits: new TimerLoop('exits', opts.intervalsMs.exits, () => this.quoteStep(), loopDeps),
      reconcile: new TimerLoop('reconcile', opts.intervalsMs.reconcile, () => this.reconcileStep(), loopDeps),
      watchdog: new TimerLoop('watchdog', opts.intervalsMs.watchdog, () => this.watchdogStep(), loopDeps),
    };
  }

  get core(): TradingCore {
    return this.opts.core;
  }

  start(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    if (this.starting) return this.starting;
    const begin = async (): Promise<void> => {
      if (this.stopping) await this.stopping;
      this.state = 'starting';
      this.startedAt = this.opts.clock.now();
      try {
        if (!this.recovered) await this.loaded();
        else await this.loops.reconcile.runOnce();
        const err = this.loops.reconcile.status().lastError;
        if (err !== null) {
          this.readFailureHalt = true;
          this.edgeHalt('RECONCILE.MISMATCH', 'halted', `initial reconcile failed: ${err}`);
        }
        for (const name of LOOP_NAMES) this.loops[name].schedule(this.opts.scheduler);
        this.state = 'running';
        this.opts.logger.info('core runtime started', { mode: this.opts.mode, symbols: this.opts.core.symbols, trading: this.opts.core.halts.state() });
      } catch (e) {
        this.state = 'stopped';
        await this.opts.scheduler.stop().catch(() => undefined);
        throw e;
      }
    };
    this.starting = begin().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const end = async (): Promise<void> => {
      if (this.starting) await this.starting.catch(() => undefined);
      if (this.state === 'stopped') return;
      this.state = 'stopping';
      // The timers stop first; then every send, answer and write in flight finishes: an order is never cut in half.
      await Promise.all(LOOP_NAMES.map((name) => this.opts.scheduler.stop(name)));
      await this.idle();
      await this.writeBacklog();
      try {
        await this.watchdog.disarm();
      } catch (e) {
        this.opts.logger.warn('countdown disarm failed', { error: errorText(e) });
      }
      this.state = 'stopped';
      this.opts.logger.info('core runtime stopped');
    };
    this.stopping = end().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  status(): OrchestratorStatus {
    return {
      state: this.state,
      trading: this.opts.core.halts.state(),
      haltReasons: this.halts().map((h) => `${h.code}: ${h.reason}`),
      symbols: [...this.opts.core.symbols],
      mode: this.opts.mode,
      startedAt: this.startedAt,
      loops: {
        eval: this.loops.eval.status(),
        exits: this.loops.exits.status(),
        reconcile: this.loops.reconcile.status(),
        watchdog: this.loops.watchdog.status(),
      },
    };
  }

  /** The halts in force, oldest first (the status pages read them): the core's, with their reasons. */
  halts(): Halt[] {
    return this.opts.core.halts.list();
  }

  /**
   * Clears every halt cause (the operator's through the core, the others as the edge's), but
   * LOCK.LOST — only a restart that holds the lock again clears it — and STORE.WRITE, which clears
   * itself once the store writes waiting are written.
   */
  async resume(reason = 'operator resume'): Promise<void> {
    await this.loaded();
    this.enqueue({ kind: 'operator', action: 'resume', actor: reason });
    // STORE.WRITE is the driver's: it clears once the waiting writes are written, not on anyone's word.
    for (const { code } of this.opts.core.halts.list()) if (code !== 'LOCK.LOST' && code !== 'STORE.WRITE') this.edgeHalt(code, null, reason);
    await this.idle();
  }

  /** An operator halt with the operator's words as its reason; the core's halt also cancels our working buys. */
  async halt(reason: string): Promise<void> {
    await this.loaded();
    this.edgeHalt('OPERATOR', 'halted', reason);
    this.enqueue({ kind: 'operator', action: 'halt', actor: reason });
    await this.idle();
  }

  /** A halt only the edge sees (LOCK.LOST from the instance lock, DMS.STALL); `level` null clears it. */
  edgeHalt(code: HaltCode, level: Halt['level'] | null, reason: string): void {
    this.enqueue({ kind: 'edge-halt', code, level, reason });
  }

  /**
   * Hands an event to the core (the adapters' reads, the operator's actions). A strategy that
   * throws (someone's plug-in, docs/strategies.md) stops entries with its message (STRATEGY.ERROR,
   * reducing: sells and exits go on) until the operator resumes; the events queued behind it are
   * handled at once. Anything else is a bug of ours and is not swallowed.
   */
  enqueue(e: CoreEvent): void {
    // Before the recovery (AUTOSTART=false and an operator's stop-entries; a lock lost before the
    // start): the core takes no event before the store's snapshot, or its restore would be refused
    // and the start fail. The event waits for the recovery, which it sets off (start() runs the same one).
    if (!this.recovered) return this.track(this.loaded().then(() => this.enqueue(e)));
    try {
      this.driver.enqueue(e);
    } catch (err) {
      this.strategyFailed('symbol' in e ? e.symbol : '?', err);
    }
  }

  /** The venue answered an order's send: the seconds since its write-ahead began (`cab_order_seconds{side}`). */
  private answered<T>(clientOrderId: string, side: 'buy' | 'sell', result: T): T {
    const t0 = this.placedAt.get(clientOrderId);
    this.placedAt.delete(clientOrderId);
    if (t0 !== undefined) this.opts.metrics.histogram(PIPELINE_METRICS.orderSeconds, (this.opts.clock.now() - t0) / 1000, { side });
    return result;
  }

  private strategyFailed(symbol: string, err: unknown): void {
    if (!(err instanceof StrategyFault)) throw err;
    this.opts.logger.error('strategy threw; entries halted', { symbol, strategy: err.strategy, phase: err.phase, candleTs: err.candleTs, error: err.detail });
    this.enqueue({ kind: 'edge-halt', code: 'STRATEGY.ERROR', level: 'reducing', reason: `${symbol}: ${err.message}` });
  }

  /** One reconcile pass now (the CLI's `reconcile`): what it found (checked, mismatches, repaired, halting, errors). */
  async reconcileNow(): Promise<ReconcileFindings> {
    // Not started (`cab reconcile`): the store into the core first, or the venue would be compared
    // with empty books. The recovery's own reconcile is then the pass: one look at the venue, not two.
    if (!this.recovered) {
      await this.loaded();
      await this.idle();
      return this.lastFindings;
    }
    await this.reconcilePass(this.opts.core.seq);
    await this.idle();
    return this.lastFindings;
  }

  /**
   * One step of a timer now, and what it set off carried out (the send answered, the rows and the
   * audit written): specs drive the runtime by hand.
   */
  async runLoopOnce(name: LoopName): Promise<void> {
    await this.loops[name].runOnce();
    await this.idle();
  }

  /** Resolves once nothing is sent, written, read for the core or audited (specs, an orderly stop). */
  async idle(): Promise<void> {
    for (;;) {
      await this.driver.idle();
      if (this.pending.size === 0) break;
      await Promise.all([...this.pending]);
    }
    await this.publisher.flushed();
  }

  /**
   * Start-up recovery without the timers, once (start() runs it first): an operator's action on a
   * bot not started (AUTOSTART=false) acts on the stored positions and orders, rather than on an empty
   * core.
   */
  loaded(): Promise<void> {
    if (this.recovered) return Promise.resolve();
    this.recovering ??= this.recover().finally(() => {
      this.recovering = null;
    });
    return this.recovering;
  }

  /** Start-up: the venue's rules and balances, then the store into the core (the halts with their reasons) and its reconcile. */
  private async recover(): Promise<void> {
    const { core, venue, stores, logger } = this.opts;
    for (const symbol of core.symbols) {
      // Failures are not fatal: the first reconcile reports an unreachable broker, and a core without a pair's rules refuses its orders.
      const i = await venue.loadInstrument(symbol);
      if (i !== null) logger.warn('instrument not loaded at start', { symbol, error: i });
    }
    await this.driver.recover(stores, this.opts.ledgerReplayMs);
    for (const h of core.halts.list()) logger.warn('halt restored from before the restart', { code: h.code, reason: h.reason, level: h.level, since: h.since });
    this.recovered = true;
    // After the restore: a refused signed read halts through the core, which takes no event before it.
    await this.readBalances();
    // The reconcile the restored core asked for, before any evaluation (docs/lessons.md #1: start-up
    // and crash recovery are one path), run as the reconcile timer's step so its status tells how it went.
    await this.loops.reconcile.runOnce();
    if (this.opts.mode === 'live') await this.warnAboutForeignOrders();
  }

  /** The dead man's switch cancels orders the bot did not send too: say so at start (see foreign-orders.ts). */
  private async warnAboutForeignOrders(): Promise<void> {
    for (const symbol of this.opts.core.symbols) {
      const r = await foreignOpenOrders(this.opts.broker, this.opts.stores.orders, symbol);
      if (!r.ok) this.opts.logger.warn('could not check the account for orders the bot did not send', { symbol, code: r.error.code });
      else if (r.value.length > 0)
        this.opts.logger.warn('the account holds open orders the bot did not send', {
          symbol,
          count: r.value.length,
          detail: describeForeignOrders(symbol, r.value),
        });
    }
  }

  /**
   * Each symbol's balances into the VenueCache: a signed read, so the venue refusing our key or our
   * request time halts BROKER.AUTH / BROKER.CLOCK with its words (not a reconcile mismatch), and the
   * next signed read that works clears it. Other failures are returned.
   */
  private async readBalances(): Promise<string[]> {
    const problems: string[] = [];
    const refused = new Map<'auth' | 'clock', string>();
    let signedReadOk = false;
    for (const symbol of this.opts.core.symbols) {
      const r = await this.opts.venue.readBalanceResult(symbol);
      if (r.ok) signedReadOk = true;
      else {
        problems.push(`${symbol}: balance: ${r.error.code}: ${r.error.message}`);
        if (r.error.kind === 'fatal' && r.error.refusal) refused.set(r.error.refusal, `${r.error.code}: ${r.error.message}`);
      }
    }
    for (const [refusal, [code, what]] of Object.entries(REFUSAL_HALTS) as ['auth' | 'clock', (typeof REFUSAL_HALTS)['auth']][]) {
      const detail = refused.get(refusal);
      if (detail !== undefined) this.edgeHalt(code, 'halted', `${what}: ${detail}`);
      else if (signedReadOk && this.opts.core.halts.has(code)) this.edgeHalt(code, null, 'a signed read succeeded');
    }
    return problems;
  }

  private async evalStep(): Promise<void> {
    const { core, venue } = this.opts;
    // The book and the balances are read before the candles, so the evaluation they feed reads them with no await.
    const problems: string[] = [];
    for (const symbol of core.symbols) {
      // The pair's rules are loaded once; a start whose market load failed gets them here, without a restart.
      const i = await venue.loadInstrument(symbol);
      if (i !== null) problems.push(`${symbol}: instrument: ${i}`);
      const b = await venue.readBook(symbol);
      if (b !== null) problems.push(`${symbol}: book: ${b}`);
    }
    problems.push(...(await this.readBalances()));
    this.polled.clear();
    await this.pump.poll();
    // The eval timer evaluates every tick: a symbol with no new closed candle is
    // evaluated on what its strategy has seen (an Evaluate event), on the quote this poll read.
    for (const symbol of core.symbols) {
      const quote = this.polled.get(symbol);
      if (quote) this.enqueue({ kind: 'evaluate', symbol, quote, timeframeMs: this.opts.marketData.timeframeMs(symbol) });
    }
    if (problems.length > 0) this.opts.logger.warn('venue read before an evaluation failed', { problems });
  }

  /** The exits' cadence: the ticker of each symbol, as a Quote (the protective exits look at it). */
  private async quoteStep(): Promise<void> {
    const { core, marketData } = this.opts;
    const maxAge = this.opts.maxQuoteAgeMs ?? 30_000;
    const failures: string[] = [];
    for (const symbol of core.symbols) {
      const t = await marketData.ticker(symbol);
      if (!t.ok) {
        failures.push(`${symbol}: ${t.error.code}: ${t.error.message}`);
        continue;
      }
      const ticker = t.value;
      if (core.now() - ticker.ts > maxAge) continue;
      this.enqueue({ kind: 'quote', symbol, quote: { bidApprox: Number(str(ticker.bid)), ticker: () => ticker } });
    }
    if (failures.length > 0) throw new Error(`exits: ${failures.join('; ')}`);
  }

  private async reconcileStep(): Promise<void> {
    const seq = this.requestedSeq ?? this.opts.core.seq;
    this.requestedSeq = null;
    await this.reconcilePass(seq);
    // The pass's balances were read for the report; this read also sets or clears a refused key or clock (BROKER.AUTH / BROKER.CLOCK).
    await this.readBalances();
    // The core keeps every fill for a backtest's report; a live or paper run has them in the store: keep memory flat.
    this.opts.core.fills.length = 0;
    // Housekeeping on the slowest timer, never inside an order's commit.
    await this.opts.stores.idempotency.purgeExpired();
    await this.opts.stores.housekeeping?.checkpoint();
    const { errors } = this.lastFindings;
    if (errors.length > 0) throw new Error(`reconcile incomplete: ${errors.join('; ')}`);
  }

  /** One ReconcileReport: read, then enqueued (the core applies it synchronously); its findings kept for reconcileNow. */
  private async reconcilePass(requestedAtSeq: number): Promise<void> {
    this.passProblems = [];
    this.passMismatches = [];
    this.passRepairs = 0;
    const started = this.opts.clock.now();
    try {
      // The core applies the report synchronously inside enqueue: its facts are in by the time this resolves.
      await this.reconciler.request(requestedAtSeq);
    } finally {
      const errors = this.passProblems;
      const mismatches = this.passMismatches;
      this.passProblems = null;
      this.passMismatches = null;
      this.lastFindings = {
        checked: this.opts.core.symbols.length,
        mismatches: mismatches.length,
        repaired: this.passRepairs,
        halting: mismatches.filter((m) => m.halting).map((m) => m.text),
        errors,
      };
      // One reconcile.completed per symbol (the dashboard's safety pane reads it).
      const ts = this.opts.clock.now();
      for (const symbol of this.opts.core.symbols)
        this.publisher.publish({
          kind: 'reconcile-completed',
          ts,
          symbol,
          mismatches: mismatches.filter((m) => m.symbol === symbol).length,
          repaired: this.passRepairs,
          durationMs: ts - started,
        });
      if (errors.length === 0 && this.readFailureHalt) {
        this.readFailureHalt = false;
        this.edgeHalt('RECONCILE.MISMATCH', null, 'a reconcile pass read everything');
      }
    }
  }

  private async watchdogStep(): Promise<void> {
    // Store writes that failed are tried again at this cadence too (and before any newer write).
    if (this.driver.pendingWrites().length > 0) await this.driver.retryWrites();
    const now = this.opts.clock.now();
    const since = this.startedAt ?? now;
    const watched = (['eval', 'exits', 'reconcile'] as const).map((name) => ({ name, lastAliveAt: this.loops[name].owedSince(since, now) }));
    await this.watchdog.run(watched, this.opts.ids.next());
  }

  /**
   * The stop's last try at the store writes still waiting: what cannot be written is said loudly.
   * Nothing is lost for good — the next start loads the store and reconciles it with the venue
   * (docs/core.md, "Drivers") — but until then the store lags what the core did.
   */
  private async writeBacklog(): Promise<void> {
    if (this.driver.pendingWrites().length === 0) return;
    const left = await this.driver.retryWrites();
    if (left.length === 0) return this.opts.logger.info('waiting store writes written at stop');
    this.opts.logger.error('store writes could not be written before the stop: the store lags until the next start reconciles it', {
      count: left.length,
      writes: left.map((w) => `${w.what} (${w.attempts} attempt(s): ${w.error})`),
    });
  }

  private onFact(fact: CoreOutput): void {
    if (fact.kind === 'halt') {
      if (!fact.again) this.opts.logger.warn('trading halted', { code: fact.code, reason: fact.reason, level: fact.level });
    } else if (fact.kind === 'resume') {
      this.opts.logger.info('halt cleared', { code: fact.code, state: this.opts.core.halts.state() });
    } else if (fact.kind === 'mismatch')
      this.passMismatches?.push({ symbol: fact.symbol, halting: fact.halting, text: `${fact.symbol} ${fact.subject}: ${fact.detail}` });
    else if (fact.kind === 'repaired') this.passRepairs++;
    else if (fact.kind === 'order') {
      const before = fact.before.status;
      // A reconcile look that moved one of our orders is a repair, audited and published as one
      // (not an answer to a send that lands while a pass reads the venue); an order adopted in this
      // step is reported by its own 'repaired' fact (`adopted …`), once.
      const adoptedNow = before === 'new' && fact.order.idempotencyKey === null;
      if (fact.byReconcile && fact.order.status !== before && !adoptedNow) {
        this.passRepairs++;
        this.publisher.repaired(fact.ts, fact.order, before);
      }
      // After a fill the balances moved: read them again for the next decision.
      if (fact.order.filledBase.gt('0')) this.track(this.opts.venue.readBalance(fact.symbol));
    }
    this.publisher.publish(fact);
  }

  private edgeStatus(s: EdgeStatus): void {
    if (s.source === 'reconcile' && this.passProblems) this.passProblems.push(`${s.symbol}: ${s.detail}`);
    const fields = { source: s.source, symbol: s.symbol, state: s.state, detail: s.detail };
    if (s.state === 'ok') this.opts.logger.info('market data back', fields);
    else this.opts.logger.warn('edge adapter could not make an event', fields);
  }

  /** DMS.STALL and the like, as the Watchdog sets them, through the core. */
  private edgeHalts(): {
    halt: (code: HaltCode, reason: string, level?: Halt['level']) => Promise<void>;
    has: (code: HaltCode) => boolean;
    clear: (code: HaltCode, reason: string) => Promise<boolean>;
  } {
    return {
      halt: async (code, reason, level = 'halted') => this.edgeHalt(code, level, reason),
      has: (code) => this.opts.core.halts.has(code),
      clear: async (code, reason) => {
        const had = this.opts.core.halts.has(code);
        this.edgeHalt(code, null, reason);
        return had;
      },
    };
  }

  private track(p: Promise<unknown>): void {
    const t: Promise<unknown> = p
      .catch((e: unknown) => this.opts.logger.error('core runtime task failed', { error: errorText(e) }))
      .finally(() => this.pending.delete(t));
    this.pending.add(t);
  }
}
