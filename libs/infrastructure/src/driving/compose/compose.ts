import { strategyFromSettings } from '../../driven/strategies/strategy-from-settings';
import { hostname } from 'node:os';
import {
  DeadLetterMonitor,
  DeadLetterQueueSink,
  HealthChecker,
  InProcessEventBus,
  brokerCheck,
  databaseCheck,
  loopsCheck,
  marketDataCheck,
  noopCountdownSwitch,
  noopMetrics,
  type Broker,
  type TradingControl,
  type CountdownSwitch,
  type InstanceLock,
  type Logger,
  type MarketData,
  type Metrics,
  type Scheduler,
  type Timers,
} from '@cab/application';
import {
  ExitPolicy,
  RiskManager,
  validateExitConfig,
  validateRiskConfig,
  type Clock,
  type IdGenerator,
  type StrategyFactory,
  type Validated,
} from '@cab/domain';
import { telegramAlertsFromSettings } from '../../driven/alerts/telegram/from-settings';
import type { TelegramAlerts } from '../../driven/alerts/telegram/telegram-alerts';
import { GateVenue } from '../../driven/venue/gate/gate-venue';
import { PaperVenue } from '../../driven/venue/paper/paper-venue';
import { createLogger } from '../../driven/logging/winston-logger';
import { instanceLockFromSettings } from '../../driven/instance-lock/instance-lock-from-settings';
import { TimerScheduler } from '../../driven/scheduling/timer-scheduler';
import type { Settings } from '../../settings';
import { secretValues } from '../../settings/summary';
import { openStorageFromSettings, type Storage } from '../../driven/storage/open-storage';
import { IntentLogCorrupt, intentLogPath } from '../../driven/storage/sqlite/intent-log';
import { systemClock, systemTimers, uuidIds } from '../../driven/time/system-time';
import { CcxtCountdownSwitch } from './ccxt-countdown-switch';
import { composePipeline, type BotOrchestrator, type BotTradingState, type PipelineParts } from './compose-pipeline';

export type { BotOrchestrator, BotTradingState } from './compose-pipeline';
import { ComposeError, marketDataFromSettings } from './market-data-from-settings';
import { ReplayMarketData } from '../../driven/market-data/replay-market-data';
import { ReplayClock, replayStartMs } from '../../driven/time/replay-clock';
import { paperMarketFrom } from './paper-market-from-market-data';
import { SafetyTracker } from '../http/safety-tracker';

/** What tests, backtests and the apps may inject instead of the defaults built from settings. */
export interface ComposeOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  /** The orchestrator's scheduler (a VirtualScheduler in backtests); TimerScheduler by default. */
  scheduler?: Scheduler;
  timers?: Timers;
  marketData?: MarketData;
  broker?: Broker;
  /** The dead man's switch; CcxtCountdownSwitch in live mode (with the default broker), no-op otherwise. */
  countdown?: CountdownSwitch;
  logger?: Logger;
  /** The prom-client adapter (apps); noopMetrics by default. */
  metrics?: Metrics;
  storage?: Storage;
  /** Makes the strategy of each symbol (default: STRATEGY and STRATEGY_PARAMS from the settings). */
  strategy?: StrategyFactory;
  /** The instance lock (live, or any mode with DB_URL); null turns it off (tests); by default instanceLockFromSettings. */
  instanceLock?: InstanceLock | null;
  /** Where account locks live (shared by every instance on the host); default LOCK_DIR, else <tmpdir>/crypto-ai-bot-locks. */
  lockDir?: string;
  /** How long an order unseen on the exchange may be in transit before reconciliation closes it. */
  notFoundGraceMs?: number;
}

/** The whole bot, composed. Apps start `orchestrator` and serve `health`; `close()` releases everything. */
export interface BotApp {
  settings: Settings;
  orchestrator: BotOrchestrator;
  health: HealthChecker;
  bus: InProcessEventBus;
  storage: Storage;
  broker: Broker;
  marketData: MarketData;
  logger: Logger;
  metrics: Metrics;
  /** The pipeline's clock: candle time in a paper replay (REPLAY_SPEED × the wall clock), else the wall clock. */
  clock: Clock;
  /** Timers, loops, health probes, request durations. */
  wallClock: Clock;
  ids: IdGenerator;
  trading: BotTradingState;
  deadLetters: DeadLetterMonitor;
  telegram: TelegramAlerts;
  /** The one control API (dashboard, Telegram): start, stop, stop entries, resume, force exit, cancel. */
  control: TradingControl;
  /** Last reconcile passes, drift, the dead man's switch as last armed: the dashboard's safety pane. */
  safety: SafetyTracker;
  /** The instance lock this instance holds (live, or any mode with DB_URL), or null. */
  lockInfo: { holder: string; since: number } | null;
  /** Stops the orchestrator, drains the bus, releases the lock, closes broker and DB. Idempotent. */
  close(): Promise<void>;
}

function unwrap<T>(v: Validated<T>, what: string): T {
  if (!v.ok) throw new ComposeError('COMPOSE.CONFIG', `${what}: ${v.error.join('; ')}`);
  return v.value;
}

/**
 * The composition root: settings (+ overrides) → the object graph. MODE picks the broker
 * (PaperVenue over the market data with balances in SQLite, or GateVenue with EXCHANGE_API_URL),
 * MARKET_DATA the market source. The instance lock is taken first (instanceLockFromSettings: live,
 * Postgres, and a paper bot on a SQLite file), and the start refused, naming the holder, when
 * another instance holds it. Nothing trades until
 * `orchestrator.start()`.
 */
/**
 * The store of the process that trades, with its order intent log (docs/core.md, "The write-ahead").
 * A log that cannot be read back refuses the start as a user's problem (a message, exit 2, the file
 * left as it is), not as a bug.
 */
async function openTradingStorage(settings: Settings, clock: Clock, logger: Logger): Promise<Storage> {
  try {
    return await openStorageFromSettings(settings, clock, {
      trading: true,
      // Sent, and its row was there before the fold: a second process trades this BOT_ID.
      onIntentConflict: (ids) =>
        logger.error("orders written ahead were found in the store already: another process writes this bot's orders", {
          clientOrderIds: [...ids],
          botId: settings.botId,
        }),
    });
  } catch (e) {
    if (e instanceof IntentLogCorrupt) throw new ComposeError(e.code, e.message);
    throw e;
  }
}

export async function compose(settings: Settings, overrides: ComposeOverrides = {}): Promise<BotApp> {
  // The wall clock: timers, loop cadence and stall detection, health probes, locks, alert rate limits.
  const wallClock = overrides.clock ?? systemClock;
  // The pipeline's clock (risk, idempotency, storage, fills, events): the wall clock, except in a
  // paper replay, where it becomes the replay's candle time below (libs/infrastructure/README.md, "Paper replay time").
  let clock: Clock = wallClock;
  const pipelineClock: Clock = { now: () => clock.now() };
  const ids = overrides.ids ?? uuidIds;
  const timers = overrides.timers ?? systemTimers;
  const metrics = overrides.metrics ?? noopMetrics;
  const logger = overrides.logger ?? createLogger({ level: settings.logLevel, secrets: secretValues(settings), base: { mode: settings.mode } });
  const live = settings.mode === 'live';

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => logger.warn('cleanup failed', { error: String(e) }));
  };

  try {
    // The lock is taken before anything else exists; a lock lost later halts trading through this.
    let onLockLost: (message: string) => void = (message) => logger.error('instance lock lost before start', { message });
    let lockInfo: BotApp['lockInfo'] = null;
    const deps = { clock: wallClock, logger, lockDir: overrides.lockDir, onLost: (r: { message: string }) => onLockLost(r.message) };
    const lock: InstanceLock | null = overrides.instanceLock !== undefined ? overrides.instanceLock : instanceLockFromSettings(settings, deps);
    if (lock) {
      const got = await lock.acquire();
      if (!got.ok) {
        const h = got.holder;
        const who = h ? `pid ${h.pid} on ${h.host}, started ${h.startedAt}` : 'an unknown holder';
        const text =
          got.code === 'LOCK.UNAVAILABLE'
            ? got.message
            : live || settings.db.url !== null
              ? `another ${live ? 'live ' : ''}instance holds the ${got.scope} lock (${who}): ${got.message}`
              : `bot "${settings.botId}" is already running on ${settings.db.path} (${who}; its lock: ${intentLogPath(settings.db.path, settings.botId)}.lock): stop it first, or give this one another BOT_ID`;
        throw new ComposeError('COMPOSE.LOCK_REFUSED', text);
      }
      const held = lock;
      lockInfo = { holder: `pid ${process.pid} on ${hostname()}`, since: wallClock.now() };
      cleanups.push(() => held.release());
    }

    const storage = overrides.storage ?? (await openTradingStorage(settings, pipelineClock, logger));
    if (!overrides.storage) cleanups.push(() => storage.close());
    const replay = storage.intentLog ?? null;
    if (replay && replay.replayed > 0)
      logger.warn('orders written ahead before a crash were folded into the store', { file: replay.path, orders: replay.replayed });
    if (replay?.torn) logger.warn('the intent log ended in a line cut short (a power cut before its send): dropped', { file: replay.path, line: replay.torn });
    // LOCK.LOST is cleared by a start that holds the lock again, and by nothing else: an operator's
    // resume in the process that lost it would trade unlocked beside the instance that took it over.
    if (lockInfo !== null && (await storage.safety.halts()).some((h) => h.code === 'LOCK.LOST')) {
      await storage.safety.removeHalt('LOCK.LOST');
      logger.warn('the LOCK.LOST halt from before the restart is cleared: this instance holds the lock again');
    }

    const replaying = !live && !overrides.marketData && settings.marketData.source === 'replay';
    // Not before the newest stored order: a restart never takes the pipeline back in time.
    const notBefore = replaying
      ? Math.max(wallClock.now() - 86_400_000, ...(await storage.orders.find({ limit: 1 })).map((o) => Math.max(o.createdAt, o.updatedAt) + 1))
      : 0;
    const marketData =
      overrides.marketData ??
      marketDataFromSettings(
        settings,
        wallClock,
        replaying ? (fileStartMs) => (clock = new ReplayClock(wallClock, settings.marketData.replaySpeed, replayStartMs(fileStartMs, notBefore))) : undefined,
      );
    if (!overrides.marketData && settings.marketData.source !== 'exchange') {
      // A cross lives for one candle: a loop slower than the replayed candles skips some of them.
      const candleMs = Math.min(...settings.symbols.map((s) => marketData.timeframeMs(s))) / (clock instanceof ReplayClock ? clock.speed : 1);
      const slow = (['evalSec', 'exitsSec'] as const).filter((k) => settings.intervals[k] * 1000 > candleMs);
      if (slow.length > 0)
        logger.warn('loops slower than the replayed candles: some candles will never be evaluated', {
          candleMs,
          evalIntervalSec: settings.intervals.evalSec,
          exitsIntervalSec: settings.intervals.exitsSec,
          hint: 'unset EVAL_INTERVAL_SEC / EXITS_INTERVAL_SEC (their replay default is half a candle) or lower REPLAY_SPEED',
        });
    }
    // Where the replay starts (its clock's and the wall clock's time): with it a paper run's fills map back to the file's candles.
    if (marketData instanceof ReplayMarketData && !overrides.marketData)
      logger.info('replay started', {
        file: settings.marketData.replayFile ?? 'bundled',
        ...marketData.describe(),
        ...(clock instanceof ReplayClock ? { replaySpeed: clock.speed, wallStartMs: clock.wallStartMs, clockStartMs: clock.startMs } : {}),
      });

    let broker: Broker;
    let countdown: CountdownSwitch = overrides.countdown ?? noopCountdownSwitch;
    if (overrides.broker) broker = overrides.broker;
    else if (live) {
      const key = settings.exchangeApi.key;
      const secret = settings.exchangeApi.secret;
      if (!key || !secret) throw new ComposeError('COMPOSE.LIVE_KEYS', 'MODE=live needs API_KEY and API_SECRET');
      const ccxt = new GateVenue({
        exchange: settings.exchange,
        apiKey: key,
        apiSecret: secret,
        ...(settings.exchangeApi.url ? { apiUrl: settings.exchangeApi.url } : {}),
        timeoutMs: settings.http.timeoutSec * 1000,
        retry: { attempts: 3, baseMs: 250, maxMs: 5_000 },
        breaker: { failures: 5, cooldownMs: 30_000 },
        clock: wallClock,
      });
      broker = ccxt;
      if (!overrides.countdown) countdown = new CcxtCountdownSwitch(ccxt);
    } else {
      broker = new PaperVenue({
        market: paperMarketFrom(marketData),
        ledger: storage.paperLedger,
        clock,
        ids,
        startingBalances: { ...settings.paper.balances },
      });
    }
    cleanups.push(() => broker.close());

    const deadLetters = new DeadLetterMonitor(new DeadLetterQueueSink(storage.dlq), logger.child({ component: 'dlq' }), metrics);
    const bus = new InProcessEventBus({ clock, ids, deadLetters, logger: logger.child({ component: 'bus' }), metrics });
    cleanups.push(() => bus.drain());
    const telegram = telegramAlertsFromSettings(settings.telegram, {
      clock: wallClock,
      logger,
      metrics,
      label: `${settings.mode} ${settings.symbols.join(',')}`,
    });
    const detachTelegram = telegram.attach(bus);
    cleanups.push(async () => detachTelegram());

    const strategy = overrides.strategy ?? unwrap(strategyFromSettings(settings.strategy), 'strategy');
    const riskConfig = unwrap(validateRiskConfig(settings.risk), 'risk settings');
    const exitConfig = unwrap(validateExitConfig(settings.exits), 'exit settings');
    const safety = new SafetyTracker(wallClock, settings.dmsTimeoutMs);
    const detachSafety = safety.attach(bus);
    cleanups.push(async () => detachSafety());
    const scheduler = overrides.scheduler ?? new TimerScheduler({ clock: wallClock, logger: logger.child({ component: 'scheduler' }), metrics });
    const parts: PipelineParts = {
      settings,
      deps: { broker, marketData, stores: storage, bus, clock, ids, logger: logger.child({ component: 'pipeline' }), metrics },
      wallClock,
      logger,
      strategy,
      risk: new RiskManager(riskConfig),
      exits: new ExitPolicy(exitConfig),
      countdown: safety.countdown(countdown),
      scheduler,
      notFoundGraceMs: overrides.notFoundGraceMs ?? Math.max(60_000, 2 * settings.http.timeoutSec * 1000),
    };
    const { orchestrator, trading, control } = composePipeline(parts);
    onLockLost = (message) => void trading.halt('LOCK.LOST', `instance lock lost: ${message}`);
    cleanups.push(() => orchestrator.stop());

    const health = new HealthChecker({ clock: wallClock, timers }, [
      databaseCheck(() => storage.positions.all()),
      brokerCheck(broker, settings.symbol),
      marketDataCheck(marketData, settings.symbols, clock),
      loopsCheck(() => orchestrator.status(), wallClock),
      { name: 'telegram', critical: false, check: () => telegram.check() },
      {
        name: 'dead_letters',
        critical: false,
        async check() {
          const n = deadLetters.counts().total;
          return n === 0 ? { status: 'ok' } : { status: 'degraded', detail: `${n} events dead-lettered since start` };
        },
      },
    ]);

    let closed: Promise<void> | null = null;
    return {
      settings,
      orchestrator,
      health,
      bus,
      storage,
      broker,
      marketData,
      logger,
      metrics,
      clock,
      wallClock,
      ids,
      trading,
      deadLetters,
      telegram,
      control,
      safety,
      lockInfo,
      close: () => (closed ??= cleanup()),
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
