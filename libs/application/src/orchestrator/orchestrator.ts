import { errorText } from '../ports/logger';
import type { Scheduler } from '../ports/scheduler';
import type { PipelineDeps } from '../pipeline/deps';
import type { TradingStateController } from '../pipeline/trading-state';
import type { ProtectiveExits } from '../exits/protective-exits';
import type { Reconciliation } from '../reconciliation/reconcile';
import type { ReconcileFindings } from '../reconciliation/reconcile-report';
import type { RiskLedger } from '../risk-state/risk-ledger';
import { describeForeignOrders, foreignOpenOrders } from '../safety/foreign-orders';
import type { Watchdog } from '../safety/watchdog';
import type { EvaluateAndExecute } from '../use-cases/evaluate-and-execute';
import type { InstrumentCache } from '../use-cases/instruments';
import { LoopRunner } from './loop-runner';
import { LOOP_NAMES, type LoopName, type OrchestratorControl, type OrchestratorStatus } from './types';

export interface OrchestratorOptions {
  mode: 'paper' | 'live';
  /** SYMBOLS, SYMBOL by default. */
  symbols: readonly string[];
  intervalsMs: Record<LoopName, number>;
  /** Real timers in the apps; VirtualScheduler in backtests and tests. Owned by the orchestrator. */
  scheduler: Scheduler;
  evaluate: EvaluateAndExecute;
  exits: ProtectiveExits;
  reconciliation: Reconciliation;
  watchdog: Watchdog;
  trading: TradingStateController;
  ledger: RiskLedger;
  /** Loaded at start, before the ledger replays (it needs them to tell dust from a position). */
  instruments?: InstrumentCache;
  /** How far back the ledger replays stored orders at the first start (default 7 days). */
  ledgerReplayMs?: number;
}

/**
 * Runs the pipeline's four loops — eval, exits, reconcile, watchdog — on a Scheduler, for every
 * symbol. start() reconciles once before any evaluation (docs/lessons.md #1: start-up and crash recovery
 * are one path); stop() waits for the steps in flight. Steps of one loop never overlap (Scheduler
 * contract); steps of different loops may interleave at awaits, which the stores make safe
 * (compare-and-set on orders, versioned positions, one unit of work per order).
 */
export class Orchestrator implements OrchestratorControl {
  private state: OrchestratorStatus['state'] = 'stopped';
  private startedAt: number | null = null;
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private ledgerLoaded = false;
  private readonly loops: Record<LoopName, LoopRunner>;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: OrchestratorOptions,
  ) {
    if (opts.symbols.length === 0) throw new RangeError('the orchestrator needs at least one symbol');
    const d = { clock: deps.clock, logger: deps.logger.child({ component: 'orchestrator' }), metrics: deps.metrics };
    // The per-symbol steps are made once, not per run.
    const evaluate = (s: string, cid: string): Promise<unknown> => opts.evaluate.run(s, cid);
    const exits = (s: string, cid: string): Promise<unknown> => opts.exits.run(s, cid);
    this.loops = {
      eval: new LoopRunner('eval', opts.intervalsMs.eval, () => this.forEachSymbol('eval', evaluate), d),
      exits: new LoopRunner('exits', opts.intervalsMs.exits, () => this.forEachSymbol('exits', exits), d),
      reconcile: new LoopRunner('reconcile', opts.intervalsMs.reconcile, () => this.reconcileStep(), d),
      watchdog: new LoopRunner('watchdog', opts.intervalsMs.watchdog, () => this.watchdogStep(), d),
    };
  }

  start(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    if (this.starting) return this.starting;
    const begin = async (): Promise<void> => {
      if (this.stopping) await this.stopping;
      this.state = 'starting';
      this.startedAt = this.deps.clock.now();
      try {
        await this.loadLedger();
        // Reconcile before any strategy runs. An incomplete first pass halts entries until a clean one.
        await this.loops.reconcile.runOnce();
        const err = this.loops.reconcile.status().lastError;
        if (err !== null) await this.opts.trading.halt('RECONCILE.MISMATCH', `initial reconcile failed: ${err}`);
        if (this.opts.mode === 'live') await this.warnAboutForeignOrders();
        for (const name of LOOP_NAMES) this.loops[name].schedule(this.opts.scheduler);
        this.state = 'running';
        this.deps.logger.info('orchestrator started', { mode: this.opts.mode, symbols: this.opts.symbols, trading: this.opts.trading.state() });
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
      // Resolves once the runs in flight have finished: an order placement is never cut in half.
      // Every loop is disarmed at once, then the runs in flight are awaited together.
      await Promise.all(LOOP_NAMES.map((name) => this.opts.scheduler.stop(name)));
      try {
        await this.opts.watchdog.disarm();
      } catch (e) {
        this.deps.logger.warn('countdown disarm failed', { error: errorText(e) });
      }
      this.state = 'stopped';
      this.deps.logger.info('orchestrator stopped');
    };
    this.stopping = end().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  status(): OrchestratorStatus {
    return {
      state: this.state,
      trading: this.opts.trading.state(),
      haltReasons: this.opts.trading.reasons(),
      symbols: [...this.opts.symbols],
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

  resume(reason = 'operator resume'): Promise<void> {
    return this.opts.trading.resume(reason);
  }

  halt(reason: string): Promise<void> {
    return this.opts.trading.halt('OPERATOR', reason, 'halted');
  }

  /** One reconcile pass now, outside the loop (the CLI's `reconcile`). */
  reconcileNow(): Promise<ReconcileFindings> {
    return this.opts.reconciliation.run(this.opts.symbols, this.deps.ids.next());
  }

  /** One step of a loop now (tests and backtests that drive loops by hand). */
  runLoopOnce(name: LoopName): Promise<void> {
    return this.loops[name].runOnce();
  }

  /**
   * What a restart resumes from, once per process: the halts in force and the reconcile trade
   * cursors when it stopped (or died), the instruments, and the risk ledger replayed from the
   * stored orders.
   */
  private async loadLedger(): Promise<void> {
    if (this.ledgerLoaded) return;
    await this.opts.trading.restore();
    await this.opts.reconciliation.restore();
    // Failures here are not fatal: the first reconcile reports an unreachable broker.
    if (this.opts.instruments) for (const symbol of this.opts.symbols) await this.opts.instruments.get(symbol);
    const since = this.deps.clock.now() - (this.opts.ledgerReplayMs ?? 7 * 86_400_000);
    for (const symbol of this.opts.symbols) this.opts.ledger.replay(await this.deps.stores.orders.find({ symbol, since, limit: 10_000 }));
    this.ledgerLoaded = true;
  }

  /** The dead man's switch cancels orders the bot did not send too: say so at start (see foreign-orders.ts). */
  private async warnAboutForeignOrders(): Promise<void> {
    for (const symbol of this.opts.symbols) {
      const r = await foreignOpenOrders(this.deps.broker, this.deps.stores.orders, symbol);
      if (!r.ok) this.deps.logger.warn('could not check the account for orders the bot did not send', { symbol, code: r.error.code });
      else if (r.value.length > 0)
        this.deps.logger.warn('the account holds open orders the bot did not send', {
          symbol,
          count: r.value.length,
          detail: describeForeignOrders(symbol, r.value),
        });
    }
  }

  private async forEachSymbol(loop: LoopName, step: (symbol: string, correlationId: string) => Promise<unknown>): Promise<void> {
    let failures: string[] | null = null;
    for (const symbol of this.opts.symbols) {
      try {
        await step(symbol, this.deps.ids.next());
      } catch (e) {
        // One symbol's failure must not starve the others (an exit on ETH while BTC's data is broken).
        (failures ??= []).push(`${symbol}: ${errorText(e)}`);
      }
    }
    if (failures !== null) throw new Error(`${loop}: ${failures.join('; ')}`);
  }

  private async reconcileStep(): Promise<void> {
    const f = await this.opts.reconciliation.run(this.opts.symbols, this.deps.ids.next());
    // Housekeeping on the slowest loop: expired idempotency keys are only history, and the WAL
    // checkpoint runs here instead of inside some order's commit.
    await this.deps.stores.idempotency.purgeExpired();
    await this.deps.stores.housekeeping?.checkpoint();
    if (f.errors.length > 0) throw new Error(`reconcile incomplete: ${f.errors.join('; ')}`);
  }

  private async watchdogStep(): Promise<void> {
    const now = this.deps.clock.now();
    const since = this.startedAt ?? now;
    const watched = (['eval', 'exits', 'reconcile'] as const).map((name) => ({ name, lastAliveAt: this.loops[name].owedSince(since, now) }));
    await this.opts.watchdog.run(watched, this.deps.ids.next());
  }
}
