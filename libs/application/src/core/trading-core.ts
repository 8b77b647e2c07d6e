import {
  ZERO,
  clientOrderId as deriveClientOrderId,
  dec,
  idempotencyKey,
  instrumentDust,
  isTerminal,
  sellSize,
  str,
  type Candle,
  type Clock,
  type Decimal,
  type DustTest,
  type ExitPolicy,
  type ExitState,
  type Instrument,
  type RiskDecision,
  type RiskManager,
  type Side,
  type StrategyFactory,
} from '@cab/domain';
import type { Halt, HaltCode } from '../pipeline/trading-state';
import type { BrokerError, OrderDTO } from '../ports/broker';
import type { FillRecord } from '../ports/fills-repository';
import type { OrderRecord } from '../ports/orders-repository';
import type { PositionRecord } from '../ports/positions-repository';
import { comparePosition } from '../reconciliation/compare-positions';
import { RiskLedger } from '../risk-state/risk-ledger';
import { buildRiskState, portfolioExposure } from '../risk-state/risk-state-builder';
import { applyToPosition, emptyPosition, settleOrder } from '../use-cases/fill-accounting';
import type { CoreCommand, HaltChange } from './core-commands';
import type { CoreEvent, OperatorEvent, OrderReportEvent, ReconcileReportEvent, SymbolReconcile } from './core-events';
import { CoreHalts } from './core-halts';
import type { CoreOutput } from './core-output';
import { newSymbolState, type OrderEntry, type SymbolState } from './core-symbol-state';
import type { CandleQuote, VenueView } from './venue-view';

export interface TradingCoreOptions {
  symbols: readonly string[];
  /** Makes one running strategy per symbol. */
  strategy: StrategyFactory;
  risk: RiskManager;
  exits: ExitPolicy;
  /** FIXED_AMOUNT: quote spent on each entry. */
  fixedAmount: Decimal;
  /** IDEMPOTENCY_BUCKET_MS. */
  bucketMs: number;
  /** Read while deciding (rules, balances, book); orders leave as PlaceOrder commands. */
  venue: VenueView;
  /** Virtual in a backtest: the driver moves it before each event. */
  clock: Clock;
  /** Make Publish commands for the facts (signals, risk verdicts, orders, exits, halts…); off: none are made. */
  publish?: boolean;
  /** Make Persist commands for what changed (orders, fills, positions, halts); off: none (a backtest persists nothing). */
  persist?: boolean;
  /**
   * How long an order left in flight may still be in transit to the venue: a reconcile's "not
   * found" closes it only after this long in flight (as OrdersReconciler's grace). Default 60 s.
   */
  notFoundGraceMs?: number;
  /** Relative tolerance of the position against the venue's balance (default 0.001), never below one amount step. */
  reconcileTolerancePct?: Decimal;
}

/** A fill of one of our orders, with why the order was placed (the report lists both). */
export interface CoreFill {
  readonly fill: FillRecord;
  readonly reason: string;
}

/** Relative margin of the float pre-check: far above float error (~1e-16), far below a price tick. */
const MARGIN = 1e-9;

/** Risk rules whose failure also puts trading in `reducing` until the rule passes again (as EvaluateAndExecute). */
const HALTING_RULES: readonly HaltCode[] = ['RISK.DAILY_LOSS', 'RISK.LOSS_STREAK', 'RISK.MAX_DRAWDOWN'];

/** Halts only the operator lifts (TradingStateController's resume rules). */
const OPERATOR_CLEARS: readonly HaltCode[] = ['OPERATOR', 'BROKER.FATAL', 'LOCK.LOST'];

/** Settled orders remembered, so a late or repeated report about one is applied (or ignored) rather than unknown. */
const RECENT_ORDERS = 1024;

/** What `handle` returns when a step decided nothing: one shared empty array, so a quiet candle allocates nothing. */
const NO_COMMANDS: readonly CoreCommand[] = Object.freeze([]);

/**
 * The trading core (docs/core.md): ONE writer over in-memory state — per symbol the strategy, the
 * position, our unsettled orders, the bucket's idempotency keys, exit state — plus the RiskLedger
 * and the halts. `handle(event)` runs synchronously and to completion and returns the commands
 * the driver carries out: PlaceOrder (the order is unsettled in the core from that moment, so the
 * next decision sees it), CancelOrder, Persist, Publish. The answers come back as OrderReportEvent
 * events. A candle runs what one eval step and then one exits step of the loop pipeline do on it
 * (EvaluateAndExecute, ProtectiveExits, PlaceOrder's checks, OrderSettler's accounting). No
 * decision reads state across an await, so the races the loops patch one by one cannot be
 * written here: an in-flight buy bought again, a stop and a strategy sell both selling, a sell
 * above the position.
 *
 * Fills also go to `fills` (with the order's reason) for a backtest's report.
 */
export class TradingCore {
  readonly ledger: RiskLedger;
  readonly halts = new CoreHalts();
  readonly fills: CoreFill[] = [];
  private readonly symbols = new Map<string, SymbolState>();
  private readonly publishing: boolean;
  private readonly persisting: boolean;
  private readonly book: boolean;
  private readonly dust = new Map<string, DustTest>();
  /** Unsettled orders of every symbol by client order id, and the last settled ones (insertion order = age). */
  private readonly unsettledById = new Map<string, OrderEntry>();
  private readonly recent = new Map<string, OrderEntry>();
  private out: CoreCommand[] | null = null;
  private sequence = 0;

  constructor(private readonly opts: TradingCoreOptions) {
    this.publishing = opts.publish ?? false;
    this.persisting = opts.persist ?? false;
    // The book is read only for the slippage estimate of an entry.
    this.book = opts.risk.config.maxSlippagePct.gt(ZERO);
    this.ledger = new RiskLedger((symbol, base, price) => {
      const d = this.dustTest(symbol);
      return d !== null && d(base, price);
    });
    const now = opts.clock.now();
    for (const symbol of opts.symbols) this.symbols.set(symbol, newSymbolState(symbol, opts.strategy.create(), emptyPosition(symbol, now)));
  }

  /** The number of the last event handled (0 before the first): stamp a reconcile request with it. */
  get seq(): number {
    return this.sequence;
  }

  /** Every symbol's position as the core holds it. */
  *positions(): IterableIterator<PositionRecord> {
    for (const s of this.symbols.values()) yield s.position;
  }

  /** The position as the core holds it. */
  position(symbol: string): PositionRecord {
    return this.state(symbol).position;
  }

  /** Our orders on the symbol that are sent and not settled (new, submitted, partial, in flight). */
  unsettled(symbol: string): OrderRecord[] {
    return [...this.state(symbol).unsettled.values()].map((e) => e.order);
  }

  /** One of our orders by client order id, while the core remembers it (unsettled, or among the last settled). */
  order(clientOrderId: string): OrderRecord | null {
    return (this.unsettledById.get(clientOrderId) ?? this.recent.get(clientOrderId))?.order ?? null;
  }

  /** Starts the symbol's strategy over from these closed candles (a warm-up), deciding nothing. */
  seed(symbol: string, history: readonly Candle[]): void {
    const s = this.state(symbol);
    s.strategy.reset();
    for (const c of history) s.strategy.update(c);
  }

  /** Feeds one more closed candle to the symbol's strategy, deciding nothing. */
  feed(symbol: string, candle: Candle): void {
    this.state(symbol).strategy.update(candle);
  }

  /** One event, handled to the end: the commands to carry out, in order (the same empty array when none). */
  handle(e: CoreEvent): readonly CoreCommand[] {
    this.sequence++;
    switch (e.kind) {
      case 'candle-closed': {
        const s = this.state(e.symbol);
        s.strategy.update(e.candle);
        this.evaluate(s, e.quote, e.timeframeMs);
        this.protectiveExit(s, e.quote);
        break;
      }
      case 'evaluate':
        this.evaluate(this.state(e.symbol), e.quote, e.timeframeMs);
        break;
      case 'quote':
        this.protectiveExit(this.state(e.symbol), e.quote);
        break;
      case 'order-report':
        this.onOrderReport(e);
        break;
      case 'reconcile-report':
        this.onReconcileReport(e);
        break;
      case 'operator':
        this.onOperator(e);
        break;
    }
    const out = this.out;
    if (out === null) return NO_COMMANDS;
    this.out = null;
    return out;
  }

  // ---- evaluation: EvaluateAndExecute's order of things -----------------------------------

  private evaluate(s: SymbolState, quote: CandleQuote, timeframeMs: number): void {
    const { venue, clock } = this.opts;
    const now = clock.now();
    const symbol = s.symbol;
    const position = s.position;
    const held = position.baseQty;
    // A position with base but no open round trip is dust: not "in position".
    const inPosition = held.gt(ZERO) && position.openedAt !== null;
    const signal = s.strategy.signal({ symbol, timeframeMs, now, inPosition });
    const action = signal.action;
    if (action === 'hold') return;
    if (this.publishing) this.publish({ kind: 'signal', ts: now, symbol, action, reasons: signal.reasons });
    const ticker = quote.ticker();
    const inst = venue.instrument(symbol);
    if (!inst) return;
    const balance = venue.balance(symbol);
    let side: Side;
    let amount: Decimal;
    if (action === 'buy') {
      side = 'buy';
      amount = this.opts.fixedAmount;
    } else {
      if (!inPosition || !balance) return;
      const size = sellSize(inst, held, balance.freeBase, ticker.bid);
      if (size.deny) return;
      side = 'sell';
      amount = size.qty;
    }
    const intent = side === 'buy' ? { symbol, side, quoteAmount: amount, ts: now } : { symbol, side, baseAmount: amount, reduceOnly: true, ts: now };
    const book = side === 'buy' && this.book ? venue.book(symbol, 50) : null;
    // The portfolio limits read every symbol's position: only for an entry, and only when one is set.
    const cfg = this.opts.risk.config;
    const portfolio =
      side === 'buy' && (cfg.maxOpenPositions > 0 || cfg.maxTotalExposureQuote.gt(ZERO)) ? portfolioExposure(this.positions(), symbol) : undefined;
    const state = buildRiskState(this.ledger, {
      ...(portfolio ? { portfolio } : {}),
      tradingState: this.halts.state(),
      ticker,
      orderBook: book,
      instrument: inst,
      positionBase: held,
      balance,
      now,
    });
    const decision = this.opts.risk.check(intent, state);
    if (this.publishing) this.publish({ kind: 'risk', ts: now, symbol, side, ok: decision.ok, codes: decision.violations.map((v) => v.code) });
    // Only an entry's verdict evaluates the entry-only rules, so only it may set or clear their halts.
    if (side === 'buy') this.syncRiskHalts(decision, now);
    if (!decision.ok) {
      if (this.publishing) {
        const key = `${side}|${decision.violations.map((v) => v.code).join(',')}|${Math.floor(now / this.opts.bucketMs)}`;
        if (s.lastBlocked !== key) {
          s.lastBlocked = key;
          this.publish({ kind: 'blocked', ts: now, symbol, side, reasons: decision.reasons });
        }
      }
      return;
    }
    this.placeOrder(s, inst, side, amount, idempotencyKey(symbol, side, now, this.opts.bucketMs), `signal: ${signal.reasons.join('; ')}`);
  }

  private syncRiskHalts(decision: RiskDecision, now: number): void {
    const v = decision.violations;
    for (const code of HALTING_RULES) {
      let failing = false;
      for (let i = 0; i < v.length; i++) if (v[i]!.code === code) failing = true;
      if (failing) this.setHalt(code, 'reducing', now, 'the risk rule fails');
      else this.clearHalt(code, now);
    }
  }

  // ---- protective exits: ProtectiveExits' order of things ---------------------------------

  private protectiveExit(s: SymbolState, quote: CandleQuote): void {
    const pos = s.position;
    if (pos.openedAt === null || !pos.baseQty.gt(ZERO) || !pos.avgEntry.gt(ZERO)) return;
    // A position without exit state yet (just opened) is always checked exactly.
    if (s.exitShadow && pos.peakPrice !== null && exitCannotMove(s, quote.bidApprox)) return;
    const price = quote.ticker().bid;
    const now = this.opts.clock.now();
    const policy = this.opts.exits;
    const state: ExitState =
      pos.peakPrice === null ? policy.open(pos.avgEntry) : { entryPrice: pos.avgEntry, peakPrice: pos.peakPrice, trailStop: pos.trailingStopPrice };
    const decision = policy.evaluate(state, price);
    const saved = this.saveExitState(s, decision.state, now);
    if (decision.action === 'hold') {
      this.shadow(s, decision.state);
      return;
    }
    // An exit fired: whatever becomes of its order, the next check is exact.
    s.exitShadow = false;
    this.exitWhole(s, saved, price, now, decision.reason, decision.message);
  }

  /** Sells the whole position (what the balance holds of it) through the one order path: a protective exit or the operator's. */
  private exitWhole(s: SymbolState, pos: PositionRecord, price: Decimal, now: number, reason: string, message: string): void {
    const inst = this.opts.venue.instrument(s.symbol);
    if (!inst) return;
    const balance = this.opts.venue.balance(s.symbol);
    const free = balance ? balance.freeBase : pos.baseQty;
    const size = sellSize(inst, pos.baseQty, free, price);
    if (size.deny) {
      if (s.dustReported !== pos.openedAt) {
        s.dustReported = pos.openedAt ?? 0;
        if (this.publishing) this.publish({ kind: 'dust', ts: now, symbol: s.symbol, reason, dustBase: str(pos.baseQty) });
      }
      return;
    }
    if (this.publishing) this.publish({ kind: 'exit', ts: now, symbol: s.symbol, reason, message, qty: str(size.qty) });
    this.placeOrder(s, inst, 'sell', size.qty, `${idempotencyKey(s.symbol, 'sell', now, this.opts.bucketMs)}:${reason}`, `exit ${reason}: ${message}`);
  }

  /** The float shadows of an exit state that held (levels only; no decision is taken from them). */
  private shadow(s: SymbolState, e: ExitState): void {
    const policy = this.opts.exits;
    const stop = policy.stopPrice(e);
    const tp = policy.takeProfitPrice(e);
    s.fPeak = Number(str(e.peakPrice));
    s.fTrail = e.trailStop === null ? -Infinity : Number(str(e.trailStop));
    s.fStop = stop === null ? -Infinity : Number(str(stop));
    s.fTakeProfit = tp === null ? Infinity : Number(str(tp));
    s.exitShadow = true;
  }

  /** Keeps a moved peak or stop level on the position (ProtectiveExits.saveState). */
  private saveExitState(s: SymbolState, e: ExitState, now: number): PositionRecord {
    const pos = s.position;
    const stop = this.opts.exits.stopPrice(e);
    if (pos.peakPrice !== null && pos.peakPrice.eq(e.peakPrice) && eqOrNull(pos.trailingStopPrice, e.trailStop) && eqOrNull(pos.stopPrice, stop)) return pos;
    s.position = {
      ...pos,
      peakPrice: e.peakPrice,
      trailingStopPrice: e.trailStop,
      trailingActive: e.trailStop !== null,
      stopPrice: stop,
      updatedAt: now,
      version: pos.version + 1,
    };
    if (this.persisting) this.emit({ kind: 'persist', position: s.position });
    return s.position;
  }

  // ---- the one order path: PlaceOrder's checks, then the command --------------------------

  /**
   * PlaceOrder's checks against the in-memory state, then the order recorded as unsettled and a
   * PlaceOrder command out — in this same synchronous step, so no later decision can miss it.
   */
  private placeOrder(s: SymbolState, inst: Instrument, side: Side, requested: Decimal, key: string, reason: string): void {
    const now = this.opts.clock.now();
    const symbol = s.symbol;
    // The amount as PlaceOrder checks it before anything is reserved.
    let amount: Decimal;
    if (side === 'buy') {
      const deny = inst.checkQuote(requested);
      if (deny) return this.refused(symbol, side, now, `not sent: ${deny.code}`);
      amount = requested;
    } else {
      amount = inst.qty(requested, 'down');
      if (amount.lte(ZERO)) return this.refused(symbol, side, now, 'not sent: INSTRUMENT.QTY_NOT_POSITIVE');
    }
    // One order of ours per symbol and side at a time: a second buy would double the entry, a second sell (a stop beside a strategy sell) would sell twice.
    for (const e of s.unsettled.values())
      if (e.order.side === side) return this.refused(symbol, side, now, `${e.order.clientOrderId} (${e.order.status}) is not settled yet`);
    const pos = s.position;
    // A sell never exceeds the position.
    if (side === 'sell' && amount.gt(pos.baseQty)) return this.refused(symbol, side, now, `selling ${str(amount)} exceeds the position ${str(pos.baseQty)}`);
    // An entry never opens a position that is open already.
    if (side === 'buy' && pos.baseQty.gt(ZERO) && pos.openedAt !== null) return this.refused(symbol, side, now, 'a position is open already');
    const bucket = Math.floor(now / this.opts.bucketMs);
    if (bucket !== s.keysBucket) {
      s.keys.clear();
      s.orderIds.clear();
      s.keysBucket = bucket;
    }
    if (s.keys.has(key)) return this.refused(symbol, side, now, `key ${key} is taken`);
    s.keys.add(key);
    const coid = deriveClientOrderId(key);
    if (s.orderIds.has(coid)) return this.refused(symbol, side, now, `order ${coid} exists already`);
    s.orderIds.add(coid);
    const order: OrderRecord = {
      clientOrderId: coid,
      exchange: this.opts.venue.name,
      exchangeOrderId: null,
      symbol,
      side,
      type: 'market',
      requestedQuote: side === 'buy' ? amount : null,
      requestedBase: side === 'sell' ? amount : null,
      status: 'new',
      filledBase: ZERO,
      filledQuote: ZERO,
      averagePrice: null,
      fee: ZERO,
      feeCurrency: null,
      idempotencyKey: key,
      reason,
      createdAt: now,
      updatedAt: now,
    };
    // The risk ledger counts orders per hour from the send.
    this.ledger.orderPlaced(now);
    const entry: OrderEntry = { order, tradeIds: null, inFlightSeq: Number.NaN };
    s.unsettled.set(coid, entry);
    this.unsettledById.set(coid, entry);
    this.emit({ kind: 'place-order', order });
  }

  private refused(symbol: string, side: Side, now: number, reason: string): void {
    if (this.publishing) this.publish({ kind: 'refused', ts: now, symbol, side, reason });
  }

  // ---- reports: the venue's word on our orders --------------------------------------------

  private onOrderReport(e: OrderReportEvent): void {
    const now = this.opts.clock.now();
    const entry = this.unsettledById.get(e.clientOrderId) ?? this.recent.get(e.clientOrderId);
    if (!entry) {
      if (this.publishing) this.publish({ kind: 'unknown-report', ts: now, clientOrderId: e.clientOrderId });
      return;
    }
    const s = this.state(entry.order.symbol);
    if (e.result.ok) this.applyAnswer(s, entry, e.result.value, now);
    else if (e.answer === 'send') this.applyError(s, entry, e.result.error, now);
    else if (this.publishing) {
      const err = e.result.error;
      this.publish({ kind: 'order', ts: now, symbol: s.symbol, order: entry.order, error: `look failed: ${err.kind} ${err.code}: ${err.message}` });
    }
  }

  /** A look at the order applied (OrderSettler.store's accounting): its status, its new fills by trade id, the position, the ledger. */
  private applyAnswer(s: SymbolState, entry: OrderEntry, dto: OrderDTO, now: number): void {
    const inst = this.opts.venue.instrument(s.symbol);
    if (!inst) return;
    const local = entry.order;
    const st = settleOrder(local, dto, inst, now);
    const order: OrderRecord = { ...local, ...st.patch };
    entry.order = order;
    // Whatever the answer, the next exit check is exact (the position may have moved).
    s.exitShadow = false;
    let fresh: FillRecord[] | null = null;
    for (const f of st.fills) {
      const ids = entry.tradeIds ?? (entry.tradeIds = new Set());
      if (ids.has(f.tradeId)) continue;
      ids.add(f.tradeId);
      if (this.persisting) (fresh ??= []).push(f);
      this.fills.push({ fill: f, reason: local.reason ?? '' });
    }
    if (st.delta) {
      const change = applyToPosition(s.position, st.delta, now, instrumentDust(inst));
      s.position = { ...change.position, version: s.position.version + 1 };
      s.settledSeq = this.sequence;
      if (change.outcome) this.ledger.filled(s.symbol, st.delta, change.outcome);
    }
    if (isTerminal(order.status)) this.settled(s, entry);
    if (this.persisting) this.emit({ kind: 'persist', order, ...(fresh ? { fills: fresh } : {}), ...(st.delta ? { position: s.position } : {}) });
    if (this.publishing) this.publish({ kind: 'order', ts: now, symbol: s.symbol, order });
  }

  /**
   * An error as the answer to the send: refused (the key stays taken unless retryable; fatal
   * halts) or, when ambiguous, in flight — never re-sent. Only while the order is `new`: a look
   * that came first (a reconcile found it on the venue) keeps its word, as PlaceOrder's
   * compare-and-set on `new` does.
   */
  private applyError(s: SymbolState, entry: OrderEntry, error: BrokerError, now: number): void {
    const text = `${error.kind} ${error.code}: ${error.message}`;
    const local = entry.order;
    if (local.status !== 'new') {
      if (this.publishing) this.publish({ kind: 'order', ts: now, symbol: s.symbol, order: local, error: text });
      return;
    }
    const status = error.kind === 'ambiguous' ? 'in_flight' : 'rejected';
    const order: OrderRecord = { ...local, status, updatedAt: now };
    entry.order = order;
    if (status === 'in_flight') entry.inFlightSeq = this.sequence;
    else {
      if (error.kind === 'retryable' && local.idempotencyKey !== null) s.keys.delete(local.idempotencyKey);
      this.settled(s, entry);
    }
    if (this.persisting) this.emit({ kind: 'persist', order });
    if (this.publishing) this.publish({ kind: 'order', ts: now, symbol: s.symbol, order, error: text });
    if (error.kind === 'fatal') this.setHalt('BROKER.FATAL', 'halted', now, text);
  }

  /** The order reached a terminal status: no longer holds its side; remembered a while for late reports. */
  private settled(s: SymbolState, entry: OrderEntry): void {
    const coid = entry.order.clientOrderId;
    if (s.unsettled.delete(coid)) this.unsettledById.delete(coid);
    this.recent.delete(coid);
    this.recent.set(coid, entry);
    if (this.recent.size > RECENT_ORDERS) this.recent.delete(this.recent.keys().next().value as string);
  }

  // ---- reconcile: what the venue shows, against the books --------------------------------

  private onReconcileReport(e: ReconcileReportEvent): void {
    const now = this.opts.clock.now();
    let clean = true;
    for (const r of e.symbols) {
      const s = this.symbols.get(r.symbol);
      if (!s) continue;
      // What the venue did is applied whenever it is seen: a look only grows an order.
      for (const dto of r.openOrders) this.applySeen(s, dto, now);
      for (const dto of r.observed) this.applySeen(s, dto, now);
      // Settled since the request (this report's own looks included): its balance and its
      // "not found" are older than the books — compared with nothing.
      if (s.settledSeq > e.requestedAtSeq) {
        clean = false;
        continue;
      }
      this.closeNotFound(s, r, e.requestedAtSeq, now);
      if (!this.comparePosition(s, r, now)) clean = false;
    }
    if (clean) this.clearHalt('RECONCILE.MISMATCH', now);
  }

  private applySeen(s: SymbolState, dto: OrderDTO, now: number): void {
    const coid = dto.clientOrderId;
    const entry = coid === null ? undefined : (this.unsettledById.get(coid) ?? this.recent.get(coid));
    if (entry && entry.order.symbol === s.symbol) return this.applyAnswer(s, entry, dto, now);
    if (this.publishing && dto.status === 'open')
      this.publish({ kind: 'foreign-order', ts: now, symbol: s.symbol, exchangeOrderId: dto.id, clientOrderId: coid });
  }

  /**
   * An order left in flight that the venue does not know, looked up after it went in flight and
   * longer than the grace ago: it never reached the venue (OrdersReconciler's "close"). A `new`
   * order is never closed so: its send has not answered, and the order may still arrive.
   */
  private closeNotFound(s: SymbolState, r: SymbolReconcile, requestedAtSeq: number, now: number): void {
    const grace = this.opts.notFoundGraceMs ?? 60_000;
    for (const coid of r.notFound) {
      const entry = s.unsettled.get(coid);
      if (!entry || entry.order.status !== 'in_flight' || !(entry.inFlightSeq <= requestedAtSeq) || now - entry.order.updatedAt < grace) continue;
      const order: OrderRecord = { ...entry.order, status: 'rejected', updatedAt: now };
      entry.order = order;
      this.settled(s, entry);
      if (this.persisting) this.emit({ kind: 'persist', order });
      if (this.publishing) this.publish({ kind: 'order', ts: now, symbol: s.symbol, order, error: 'not found on the venue: it never arrived' });
    }
  }

  /**
   * The position against the venue's base balance (free + used), only while no order of ours is
   * unsettled on the symbol (its fills may be in the balance and not in the books yet). Less on
   * the venue halts (RECONCILE.MISMATCH, as a fact: the core repairs nothing); more is base the
   * bot does not manage, reported once. True when it matched.
   */
  private comparePosition(s: SymbolState, r: SymbolReconcile, now: number): boolean {
    if (s.unsettled.size > 0 || !r.balance) return false;
    const inst = this.opts.venue.instrument(s.symbol);
    if (!inst) return false;
    const exchange = r.balance.freeBase.plus(r.balance.usedBase);
    const c = comparePosition(s.position.baseQty, exchange, inst.amountStep, this.opts.reconcileTolerancePct ?? dec('0.001'));
    if (c.kind === 'match') {
      s.reportedSurplus = '';
      return true;
    }
    const base = r.balance.base;
    if (c.kind === 'surplus') {
      if (s.reportedSurplus !== str(exchange) && this.publishing) {
        const detail = `the exchange holds ${str(c.diff)} ${base} the bot does not manage`;
        this.publish({ kind: 'mismatch', ts: now, symbol: s.symbol, subject: base, expected: str(c.local), actual: str(exchange), detail, halting: false });
      }
      s.reportedSurplus = str(exchange);
      return true;
    }
    const detail = `the exchange holds ${str(c.diff)} ${base} less than the position`;
    if (this.publishing)
      this.publish({ kind: 'mismatch', ts: now, symbol: s.symbol, subject: base, expected: str(c.local), actual: str(exchange), detail, halting: true });
    this.setHalt('RECONCILE.MISMATCH', 'halted', now, `position ${s.symbol}: ${detail}`);
    return false;
  }

  // ---- the operator -----------------------------------------------------------------------

  private onOperator(e: OperatorEvent): void {
    const now = this.opts.clock.now();
    if (this.publishing)
      this.publish({ kind: 'operator', ts: now, action: e.action, actor: e.actor, ...(e.action === 'force-exit' ? { symbol: e.symbol } : {}) });
    switch (e.action) {
      case 'stop-entries':
        // Never lowers an operator's halt to "no entries".
        if (this.halts.level('OPERATOR') !== 'halted') this.setHalt('OPERATOR', 'reducing', now, `entries stopped by ${e.actor}`);
        return;
      case 'halt':
        this.setHalt('OPERATOR', 'halted', now, `halted by ${e.actor}`);
        // Entries stop: a buy of ours still working on the venue is cancelled.
        for (const s of this.symbols.values())
          for (const { order } of s.unsettled.values())
            if (order.side === 'buy' && (order.status === 'submitted' || order.status === 'partial'))
              this.emit({ kind: 'cancel-order', symbol: s.symbol, clientOrderId: order.clientOrderId, exchangeOrderId: order.exchangeOrderId });
        return;
      case 'resume':
        for (const code of OPERATOR_CLEARS) this.clearHalt(code, now);
        return;
      case 'force-exit': {
        const s = this.symbols.get(e.symbol);
        if (!s) return;
        const pos = s.position;
        if (pos.openedAt === null || !pos.baseQty.gt(ZERO)) return this.refused(s.symbol, 'sell', now, 'force exit: no position');
        const bid = this.opts.venue.book(s.symbol, 1)?.bids[0]?.price ?? pos.avgEntry;
        s.exitShadow = false;
        this.exitWhole(s, pos, bid, now, 'OPERATOR.FORCE_EXIT', `by ${e.actor}`);
        return;
      }
    }
  }

  // ---- halts and commands -----------------------------------------------------------------

  private setHalt(code: HaltCode, level: Halt['level'], now: number, reason: string): void {
    if (!this.halts.set(code, level)) return;
    if (this.publishing) this.publish({ kind: 'halt', ts: now, code });
    if (this.persisting) this.emit({ kind: 'persist', halts: [{ code, level, reason, since: now } satisfies HaltChange] });
  }

  private clearHalt(code: HaltCode, now: number): void {
    if (!this.halts.clear(code)) return;
    if (this.publishing) this.publish({ kind: 'resume', ts: now, code });
    if (this.persisting) this.emit({ kind: 'persist', halts: [{ code, level: null, reason: 'cleared', since: now } satisfies HaltChange] });
  }

  private publish(fact: CoreOutput): void {
    this.emit({ kind: 'publish', fact });
  }

  private emit(c: CoreCommand): void {
    (this.out ??= []).push(c);
  }

  private state(symbol: string): SymbolState {
    const s = this.symbols.get(symbol);
    if (!s) throw new RangeError(`the core does not trade ${symbol}`);
    return s;
  }

  private dustTest(symbol: string): DustTest | null {
    let d = this.dust.get(symbol);
    if (!d) {
      const inst = this.opts.venue.instrument(symbol);
      if (!inst) return null;
      d = instrumentDust(inst);
      this.dust.set(symbol, d);
    }
    return d;
  }
}

/**
 * True when an exact exit check at this bid provably holds and leaves the exit state as it is, so
 * it can be skipped: the bid is under the peak (no new peak, so the trailing stop neither arms nor
 * moves: ExitPolicy.ratchet), above the trailing and the hard stop and under the take-profit, each
 * by more than MARGIN. The shadows are of the state the last exact check held on; the exact check
 * runs whenever this is not sure.
 */
function exitCannotMove(s: SymbolState, bid: number): boolean {
  return bid < s.fPeak * (1 - MARGIN) && bid > s.fTrail * (1 + MARGIN) && bid > s.fStop * (1 + MARGIN) && bid < s.fTakeProfit * (1 - MARGIN);
}

const eqOrNull = (a: Decimal | null, b: Decimal | null): boolean => (a === null ? b === null : b !== null && a.eq(b));
