import {
  ZERO,
  idempotencyKey,
  sellSize,
  type Decimal,
  type RiskDecision,
  type RiskManager,
  StrategyFault,
  guardedFactory,
  type Signal,
  type StrategyFactory,
  type TradeIntent,
} from '@cab/domain';
import type { AuditEntry } from '../ports/audit-log';
import { violationsData } from './risk-audit';
import type { HaltCode, TradingStateController } from '../pipeline/trading-state';
import type { PipelineDeps } from '../pipeline/deps';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import type { RiskLedger } from '../risk-state/risk-ledger';
import { buildRiskState, portfolioExposure } from '../risk-state/risk-state-builder';
import type { InstrumentCache } from './instruments';
import type { PlaceOrder, PlaceOrderOutcome } from './place-order';
import { StrategyFeeds } from './strategy-feeds';

export interface EvaluateOptions {
  /** Makes one running strategy per symbol; each is fed every closed candle once (see StrategyFeeds). */
  strategy: StrategyFactory;
  risk: RiskManager;
  /** FIXED_AMOUNT: quote spent on each entry. */
  fixedAmount: Decimal;
  /** IDEMPOTENCY_BUCKET_MS. */
  bucketMs: number;
  placeOrder: PlaceOrder;
  instruments: InstrumentCache;
  ledger: RiskLedger;
  trading: TradingStateController;
}

export type EvaluateOutcome =
  | { kind: 'no-data'; reason: string }
  /** The strategy threw (a StrategyFault): entries are halted with its message (STRATEGY.ERROR). */
  | { kind: 'strategy-error'; reason: string }
  | { kind: 'hold'; signal: Signal }
  | { kind: 'blocked'; signal: Signal; decision: RiskDecision }
  | { kind: 'skipped'; signal: Signal; reason: string }
  | { kind: 'order'; signal: Signal; decision: RiskDecision; outcome: PlaceOrderOutcome };

/** Risk rules whose failure also puts trading in `reducing` until the rule passes again. */
const HALTING_RULES: Readonly<Record<string, HaltCode>> = {
  'RISK.DAILY_LOSS': 'RISK.DAILY_LOSS',
  'RISK.LOSS_STREAK': 'RISK.LOSS_STREAK',
  'RISK.MAX_DRAWDOWN': 'RISK.MAX_DRAWDOWN',
};

/**
 * One evaluation of one symbol: market data → strategy → risk → place-order.
 *
 * Audit policy: every buy/sell signal is audited with its risk verdict (reasons and limits) and
 * every order; `hold` is audited only when the action changes from the previous evaluation of the
 * symbol (a sample, not one row per candle), so a backtest over a year of candles writes per trade,
 * not per step. A step's entries are written together at its end — or, when it places an order,
 * with the order's outcome (see PlaceOrderRequest.audit), so the send waits for no audit write.
 * Stale or missing data ends the step as `no-data` (no signal).
 *
 * Strategies stream: each symbol has its own instance, fed only the candles closed since its last
 * one (StrategyFeeds), so an evaluation costs O(new candles), not a rebuild of the indicators.
 */
export class EvaluateAndExecute {
  private readonly lastAction = new Map<string, string>();
  /** Last trade.blocked published per symbol: the same verdict in the same bucket is audited, not re-alerted. */
  private readonly lastBlocked = new Map<string, string>();
  private readonly feeds: StrategyFeeds;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: EvaluateOptions,
  ) {
    // Guarded: a throw inside the strategy becomes a StrategyFault this step handles (strategyFailed).
    this.feeds = new StrategyFeeds(guardedFactory(opts.strategy));
  }

  async run(symbol: string, correlationId: string): Promise<EvaluateOutcome> {
    // Audit entries of this step. An order takes them over (written with its outcome, after the
    // send); whatever is left — a hold, a refusal, a step that threw halfway — is written here, in
    // one statement.
    const pending: AuditEntry[] = [];
    try {
      return await this.decide(symbol, correlationId, pending);
    } finally {
      if (pending.length > 0) await this.deps.stores.audit.recordAll(pending);
    }
  }

  private async decide(symbol: string, correlationId: string, pending: AuditEntry[]): Promise<EvaluateOutcome> {
    const { marketData, stores, clock, metrics, broker } = this.deps;
    let strategy: Awaited<ReturnType<StrategyFeeds['catchUp']>>;
    try {
      strategy = await this.feeds.catchUp(symbol, marketData, clock.now());
    } catch (e) {
      return this.strategyFailed(symbol, e);
    }
    if (!strategy.ok) return { kind: 'no-data', reason: `${strategy.error.code}: ${strategy.error.message}` };
    const now = clock.now();
    const position = await stores.positions.get(symbol);
    const held = position?.baseQty ?? ZERO;
    // A position with base but no open round trip is dust (see applyToPosition): not "in position".
    const inPosition = held.gt(ZERO) && position?.openedAt !== null;
    let signal: Signal;
    try {
      signal = strategy.value.signal({ symbol, timeframeMs: marketData.timeframeMs(symbol), now, inPosition });
    } catch (e) {
      return this.strategyFailed(symbol, e);
    }
    metrics.counter(PIPELINE_METRICS.signals, { symbol, action: signal.action });
    const changed = this.lastAction.get(symbol) !== signal.action;
    this.lastAction.set(symbol, signal.action);
    if (signal.action === 'hold') {
      if (changed) pending.push(this.signalEntry(symbol, signal, correlationId, now));
      return { kind: 'hold', signal };
    }
    pending.push(this.signalEntry(symbol, signal, correlationId, now));

    const ticker = await marketData.ticker(symbol);
    if (!ticker.ok) return { kind: 'no-data', reason: `${ticker.error.code}: ${ticker.error.message}` };
    const inst = await this.opts.instruments.get(symbol);
    if (!inst.ok) return { kind: 'skipped', signal, reason: `${inst.error.code}: ${inst.error.message}` };
    const balance = await broker.fetchBalance(symbol);

    let intent: TradeIntent;
    if (signal.action === 'buy') {
      intent = { symbol, side: 'buy', quoteAmount: this.opts.fixedAmount, ts: now };
    } else {
      if (!inPosition) return { kind: 'skipped', signal, reason: 'no position to sell' };
      if (!balance.ok) return { kind: 'skipped', signal, reason: `balance: ${balance.error.code}` };
      const size = sellSize(inst.value, held, balance.value.freeBase, ticker.value.bid);
      if (size.deny) return { kind: 'skipped', signal, reason: `dust: ${size.deny.code}: ${size.deny.message}` };
      intent = { symbol, side: 'sell', baseAmount: size.qty, reduceOnly: true, ts: now };
    }
    // The book is only needed for the slippage estimate of an entry.
    const book = intent.side === 'buy' && this.opts.risk.config.maxSlippagePct.gt(ZERO) ? await broker.fetchOrderBook(symbol, 50) : null;
    // The portfolio limits read every symbol's position: only for an entry, and only when one is set.
    const cfg = this.opts.risk.config;
    const portfolio =
      intent.side === 'buy' && (cfg.maxOpenPositions > 0 || cfg.maxTotalExposureQuote.gt(ZERO))
        ? portfolioExposure(await stores.positions.all(), symbol)
        : undefined;
    const state = buildRiskState(this.opts.ledger, {
      ...(portfolio ? { portfolio } : {}),
      tradingState: this.opts.trading.state(),
      ticker: ticker.value,
      orderBook: book && book.ok ? book.value : null,
      instrument: inst.value,
      positionBase: held,
      balance: balance.ok ? balance.value : null,
      now,
    });
    const decision = this.opts.risk.check(intent, state);
    pending.push({
      ts: now,
      kind: 'risk',
      symbol,
      correlationId,
      summary: decision.ok ? `${intent.side} allowed` : `${intent.side} blocked: ${decision.violations.map((v) => v.code).join(', ')}`,
      data: {
        ok: decision.ok,
        side: intent.side,
        reasons: [...decision.reasons],
        codes: decision.violations.map((v) => v.code),
        // Per refused rule, its threshold and what it observed: the decision log's "why didn't it buy?".
        violations: violationsData(decision.violations),
        limits: { ...decision.limits },
      },
    });
    // Only an entry's verdict evaluates the entry-only rules, so only it may set or clear their halts.
    if (intent.side === 'buy') await this.syncRiskHalts(decision, correlationId);
    if (!decision.ok) {
      for (const v of decision.violations) metrics.counter(PIPELINE_METRICS.riskBlocked, { symbol, code: v.code });
      const key = `${intent.side}|${decision.violations.map((v) => v.code).join(',')}|${Math.floor(now / this.opts.bucketMs)}`;
      if (this.lastBlocked.get(symbol) !== key) {
        this.lastBlocked.set(symbol, key);
        this.deps.bus.emit('trade.blocked', { symbol, side: intent.side, reasons: [...decision.reasons], limits: { ...decision.limits } }, correlationId);
      }
      return { kind: 'blocked', signal, decision };
    }
    const outcome = await this.opts.placeOrder.execute({
      symbol,
      side: intent.side,
      ...(intent.quoteAmount ? { quoteAmount: intent.quoteAmount } : {}),
      ...(intent.baseAmount ? { baseAmount: intent.baseAmount } : {}),
      idempotencyKey: idempotencyKey(symbol, intent.side, now, this.opts.bucketMs),
      reason: `signal: ${signal.reasons.join('; ')}`,
      correlationId,
      audit: pending.splice(0),
    });
    return { kind: 'order', signal, decision, outcome };
  }

  /** Daily loss, loss streak and drawdown put trading in `reducing` while they fail; cleared when they pass. */
  private async syncRiskHalts(decision: RiskDecision, correlationId: string): Promise<void> {
    const failing = new Map(decision.violations.filter((v) => v.code in HALTING_RULES).map((v) => [HALTING_RULES[v.code] as HaltCode, v.message]));
    for (const code of Object.values(HALTING_RULES)) {
      const msg = failing.get(code);
      if (msg !== undefined) await this.opts.trading.halt(code, msg, 'reducing', correlationId);
      else if (this.opts.trading.has(code)) await this.opts.trading.clear(code, 'the rule passes again');
    }
  }

  /**
   * The strategy threw (someone's plug-in): the bot keeps running, entries stop with the
   * strategy's message (STRATEGY.ERROR, level reducing: exits and protective exits go on) until
   * the operator resumes, and the symbol's strategy starts over from a warm-up (its state after a
   * throw halfway through a candle is unknown). Anything else is not ours to swallow.
   */
  private async strategyFailed(symbol: string, e: unknown): Promise<EvaluateOutcome> {
    if (!(e instanceof StrategyFault)) throw e;
    this.feeds.forget(symbol);
    const reason = `${symbol}: ${e.message}`;
    this.deps.logger.error('strategy threw; entries halted', { symbol, strategy: e.strategy, phase: e.phase, candleTs: e.candleTs, error: e.detail });
    await this.opts.trading.halt('STRATEGY.ERROR', reason, 'reducing');
    return { kind: 'strategy-error', reason };
  }

  private signalEntry(symbol: string, signal: Signal, correlationId: string, now: number): AuditEntry {
    return {
      ts: now,
      kind: 'signal',
      symbol,
      correlationId,
      summary: `${this.opts.strategy.name}: ${signal.action}`,
      data: { action: signal.action, strategy: this.opts.strategy.name, reasons: [...signal.reasons] },
    };
  }
}
