import {
  CoreControl,
  CoreRuntime,
  TradingCore,
  VenueCache,
  type CountdownSwitch,
  type Halt,
  type HaltCode,
  type Logger,
  type LoopName,
  type OrchestratorControl,
  type PipelineDeps,
  type ReconcileFindings,
  type Scheduler,
  type TradingControl,
} from '@cab/application';
import { dec, guardedFactory, type Clock, type ExitPolicy, type RiskManager, type StrategyFactory, type TradingState } from '@cab/domain';
import type { Settings } from '../../settings';

/** What the apps drive: the CoreRuntime, as the apps and specs see it. */
export interface BotOrchestrator extends OrchestratorControl {
  /** One reconcile pass now (the CLI's `reconcile`; a runtime never started loads the store first). */
  reconcileNow(): Promise<ReconcileFindings>;
  /** One step of the core runtime's timer of that name now: specs drive the bot by hand. */
  runLoopOnce(name: LoopName): Promise<void>;
}

/** The halts as the apps read and set them: the core's halts through the CoreRuntime. */
export interface BotTradingState {
  state(): TradingState;
  reasons(): string[];
  list(): Halt[];
  has(code: HaltCode): boolean;
  halt(code: HaltCode, reason: string, level?: Halt['level']): Promise<void>;
  clear(code: HaltCode, reason: string): Promise<boolean>;
  resume(reason?: string): Promise<void>;
}

/** What the pipeline is built from (compose() makes it from the settings and overrides). */
export interface PipelineParts {
  settings: Settings;
  /** The pipeline's ports, on the pipeline's clock (candle time in a paper replay). */
  deps: PipelineDeps;
  /** Cadence, stall detection. */
  wallClock: Clock;
  logger: Logger;
  strategy: StrategyFactory;
  risk: RiskManager;
  exits: ExitPolicy;
  /** The dead man's switch, wrapped so the dashboard sees it armed. */
  countdown: CountdownSwitch;
  scheduler: Scheduler;
  notFoundGraceMs: number;
}

export interface ComposedPipeline {
  orchestrator: BotOrchestrator;
  trading: BotTradingState;
  control: TradingControl;
}

const intervalsOf = (s: Settings): Record<LoopName, number> => ({
  eval: s.intervals.evalSec * 1000,
  exits: s.intervals.exitsSec * 1000,
  reconcile: s.intervals.reconcileSec * 1000,
  watchdog: s.intervals.watchdogSec * 1000,
});

/**
 * Paper and live on the trading core (docs/core.md, "Drivers"): the TradingCore over a VenueCache,
 * driven by the CoreRuntime (EventDriver, pumps, watchdog, publisher), controlled by CoreControl.
 */
export function composePipeline(p: PipelineParts): ComposedPipeline {
  const { settings, deps } = p;
  const venue = new VenueCache(deps.broker);
  const core = new TradingCore({
    symbols: settings.symbols,
    // A throw of the strategy names the strategy, its phase and candle (StrategyFault): the runtime halts entries with it.
    strategy: guardedFactory(p.strategy),
    risk: p.risk,
    exits: p.exits,
    fixedAmount: dec(settings.trading.fixedAmount),
    bucketMs: settings.idempotency.bucketMs,
    venue,
    clock: deps.clock,
    publish: true,
    persist: true,
    notFoundGraceMs: p.notFoundGraceMs,
  });
  const runtime = new CoreRuntime({
    mode: settings.mode,
    core,
    venue,
    broker: deps.broker,
    marketData: deps.marketData,
    stores: deps.stores,
    bus: deps.bus,
    logger: deps.logger,
    metrics: deps.metrics,
    ids: deps.ids,
    clock: p.wallClock,
    scheduler: p.scheduler,
    intervalsMs: intervalsOf(settings),
    idempotencyTtlMs: settings.idempotency.ttlSec * 1000,
    countdown: p.countdown,
    dmsTimeoutMs: settings.dmsTimeoutMs,
    // The strategy's warm-up: the first poll feeds the strategy that much history.
    historyCandles: Math.max(2, p.strategy.warmup),
    maxQuoteAgeMs: maxQuoteAgeMs(settings),
    strategyName: p.strategy.name,
  });
  const trading: BotTradingState = {
    state: () => core.halts.state(),
    reasons: () => runtime.status().haltReasons,
    list: () => runtime.halts(),
    has: (code) => core.halts.has(code),
    halt: async (code, reason, level = 'halted') => {
      runtime.edgeHalt(code, level, reason);
      await runtime.idle();
    },
    clear: async (code, reason) => {
      const had = core.halts.has(code);
      runtime.edgeHalt(code, null, reason);
      await runtime.idle();
      return had;
    },
    resume: (reason) => runtime.resume(reason),
  };
  const control = new CoreControl({ runtime, orders: deps.stores.orders, clock: deps.clock, logger: p.logger });
  return { orchestrator: runtime, trading, control };
}

/**
 * How old a ticker may be before the core's pumps make no event from it, on the pipeline's clock:
 * 30 s of wall time. A paper replay's clock runs REPLAY_SPEED times the wall's and its ticker is
 * the last candle's, so its limit is scaled (at speed 600 a poll every 0.2 s is 120 s of replay
 * time: an unscaled limit called every ticker stale and the worker's e2e never traded).
 */
function maxQuoteAgeMs(settings: Settings): number {
  const replaying = settings.mode === 'paper' && settings.marketData.source === 'replay';
  return 30_000 * (replaying ? settings.marketData.replaySpeed : 1);
}
