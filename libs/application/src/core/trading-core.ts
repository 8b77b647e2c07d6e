import {
  ZERO,
  clientOrderId as deriveClientOrderId,
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
  type Strategy,
  type StrategyFactory,
} from '@cab/domain';
import type { HaltCode } from '../pipeline/trading-state';
import type { BrokerError, OrderDTO } from '../ports/broker';
import type { FillRecord } from '../ports/fills-repository';
import type { OrderRecord } from '../ports/orders-repository';
import type { PositionRecord } from '../ports/positions-repository';
import { RiskLedger } from '../risk-state/risk-ledger';
import { buildRiskState, portfolioExposure } from '../risk-state/risk-state-builder';
import { applyToPosition, emptyPosition, settleOrder } from '../use-cases/fill-accounting';
import { CoreHalts } from './core-halts';
import type { CoreOutput } from './core-output';
import type { CandleQuote, SyncVenue } from './sync-venue';

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
  venue: SyncVenue;
  /** Virtual in a backtest: the driver moves it before each event. */
  clock: Clock;
  /** Keep decision records (signals, risk verdicts, orders, exits, halts) in `outbox`; off: none are made. */
  outbox?: boolean;
}

/** A fill of one of our orders, with why the order was placed (the report lists both). */
export interface CoreFill {
  readonly fill: FillRecord;
  readonly reason: string;
}

/** What the core holds per symbol: everything a decision reads, in memory. */
interface SymbolState {
  readonly symbol: string;
  readonly strategy: Strategy;
  position: PositionRecord;
  /** Our orders sent and not settled yet (in flight): one per side at a time. */
  readonly unsettled: Map<string, OrderRecord>;
  /** Idempotency keys reserved in the current bucket (a key names its bucket, so older ones can never come back). */
  keysBucket: number;
  readonly keys: Set<string>;
  /**
   * Client order ids of our orders in the current bucket. An id derives from its key, so a key
   * released after a 429 cannot place a second order in its bucket: the order with its id exists
   * (PlaceOrder: "order … exists already").
   */
  readonly orderIds: Set<string>;
  /** Last trade.blocked verdict (side, codes, bucket): reported once. */
  lastBlocked: string;
  /** openedAt of the position whose dust was reported (once per position). */
  dustReported: number | null;
  /**
   * Float shadows of the exit levels of the position's current exit state (see exitCannotMove):
   * peak, trailing stop, hard stop (−Infinity when off or not armed), take-profit (+Infinity when
   * off). `exitShadow` false: none yet for this state, the next check is exact.
   */
  exitShadow: boolean;
  fPeak: number;
  fTrail: number;
  fStop: number;
  fTakeProfit: number;
}

/** Relative margin of the float pre-check: far above float error (~1e-16), far below a price tick. */
const MARGIN = 1e-9;

/** Risk rules whose failure also puts trading in `reducing` until the rule passes again (as EvaluateAndExecute). */
const HALTING_RULES: readonly HaltCode[] = ['RISK.DAILY_LOSS', 'RISK.LOSS_STREAK', 'RISK.MAX_DRAWDOWN'];

type OrderAnswer = { kind: 'duplicate' | 'failed' | 'in_flight' | 'placed' };

/**
 * The trading core (docs/core.md): ONE writer over in-memory state — per symbol the strategy, the
 * position, our unsettled orders, the bucket's idempotency keys, exit state — plus the RiskLedger
 * and the halts. `onCandleClosed` runs, synchronously and to completion, what one eval step and
 * then one exits step of the loop pipeline do on that candle (EvaluateAndExecute,
 * ProtectiveExits, PlaceOrder, OrderSettler): strategy → risk → the place-order checks → the
 * venue → the answer applied → exits. No decision reads state across an await, so the races the
 * loops patch one by one cannot be written here.
 *
 * Persistence, audit and events are not its business: decision records go to `outbox` (if asked)
 * for the driver to drain or drop; fills go to `fills`.
 */
export class TradingCore {
  readonly ledger: RiskLedger;
  readonly halts = new CoreHalts();
  readonly outbox: CoreOutput[] = [];
  readonly fills: CoreFill[] = [];
  private readonly symbols = new Map<string, SymbolState>();
  private readonly keep: boolean;
  private readonly book: boolean;
  private readonly dust = new Map<string, DustTest>();

  constructor(private readonly opts: TradingCoreOptions) {
    this.keep = opts.outbox ?? false;
    // The book is read only for the slippage estimate of an entry.
    this.book = opts.risk.config.maxSlippagePct.gt(ZERO);
    this.ledger = new RiskLedger((symbol, base, price) => {
      const d = this.dustTest(symbol);
      return d !== null && d(base, price);
    });
    const now = opts.clock.now();
    for (const symbol of opts.symbols)
      this.symbols.set(symbol, {
        symbol,
        strategy: opts.strategy.create(),
        position: emptyPosition(symbol, now),
        unsettled: new Map(),
        keysBucket: Number.NaN,
        keys: new Set(),
        orderIds: new Set(),
        lastBlocked: '',
        dustReported: null,
        exitShadow: false,
        fPeak: 0,
        fTrail: 0,
        fStop: 0,
        fTakeProfit: 0,
      });
  }

  /** Every symbol's position as the core holds it. */
  *positions(): IterableIterator<PositionRecord> {
    for (const s of this.symbols.values()) yield s.position;
  }

  /** The position as the core holds it. */
  position(symbol: string): PositionRecord {
    return this.state(symbol).position;
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

  /**
   * A candle closed: the strategy is fed it, then one evaluation and one exit check run on `quote`
   * (the ticker after that candle), in that order, as the eval and exits loops do at each candle.
   */
  onCandleClosed(symbol: string, candle: Candle, quote: CandleQuote, timeframeMs: number): void {
    const s = this.state(symbol);
    s.strategy.update(candle);
    this.evaluate(s, quote, timeframeMs);
    this.protectiveExit(s, quote);
  }

  /** One evaluation and one exit check on what the strategy has been fed so far (`feed`, `seed`). */
  decide(symbol: string, quote: CandleQuote, timeframeMs: number): void {
    const s = this.state(symbol);
    this.evaluate(s, quote, timeframeMs);
    this.protectiveExit(s, quote);
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
    if (this.keep) this.outbox.push({ kind: 'signal', ts: now, symbol, action, reasons: signal.reasons });
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
    if (this.keep) this.outbox.push({ kind: 'risk', ts: now, symbol, side, ok: decision.ok, codes: decision.violations.map((v) => v.code) });
    // Only an entry's verdict evaluates the entry-only rules, so only it may set or clear their halts.
    if (side === 'buy') this.syncRiskHalts(decision, now);
    if (!decision.ok) {
      if (this.keep) {
        const key = `${side}|${decision.violations.map((v) => v.code).join(',')}|${Math.floor(now / this.opts.bucketMs)}`;
        if (s.lastBlocked !== key) {
          s.lastBlocked = key;
          this.outbox.push({ kind: 'blocked', ts: now, symbol, side, reasons: decision.reasons });
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
      if (failing) {
        if (this.halts.set(code, 'reducing') && this.keep) this.outbox.push({ kind: 'halt', ts: now, code });
      } else if (this.halts.clear(code) && this.keep) this.outbox.push({ kind: 'resume', ts: now, code });
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

    const inst = this.opts.venue.instrument(s.symbol);
    if (!inst) return;
    const balance = this.opts.venue.balance(s.symbol);
    const free = balance ? balance.freeBase : saved.baseQty;
    const size = sellSize(inst, saved.baseQty, free, price);
    if (size.deny) {
      if (s.dustReported !== saved.openedAt) {
        s.dustReported = saved.openedAt ?? 0;
        if (this.keep) this.outbox.push({ kind: 'dust', ts: now, symbol: s.symbol, reason: decision.reason, dustBase: str(saved.baseQty) });
      }
      return;
    }
    if (this.keep) this.outbox.push({ kind: 'exit', ts: now, symbol: s.symbol, reason: decision.reason, message: decision.message, qty: str(size.qty) });
    this.placeOrder(
      s,
      inst,
      'sell',
      size.qty,
      `${idempotencyKey(s.symbol, 'sell', now, this.opts.bucketMs)}:${decision.reason}`,
      `exit ${decision.reason}: ${decision.message}`,
    );
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
    return s.position;
  }

  // ---- the one order path: PlaceOrder's checks, the venue, OrderSettler ---------------------

  private placeOrder(s: SymbolState, inst: Instrument, side: Side, requested: Decimal, key: string, reason: string): OrderAnswer['kind'] {
    const now = this.opts.clock.now();
    const symbol = s.symbol;
    // The amount as PlaceOrder checks it before anything is reserved.
    let amount: Decimal;
    if (side === 'buy') {
      const deny = inst.checkQuote(requested);
      if (deny) return this.refused(symbol, side, now, `not sent: ${deny.code}`, 'failed');
      amount = requested;
    } else {
      amount = inst.qty(requested, 'down');
      if (amount.lte(ZERO)) return this.refused(symbol, side, now, 'not sent: INSTRUMENT.QTY_NOT_POSITIVE', 'failed');
    }
    // One order of ours per symbol and side at a time.
    for (const o of s.unsettled.values())
      if (o.side === side) return this.refused(symbol, side, now, `${o.clientOrderId} (${o.status}) is not settled yet`, 'duplicate');
    const pos = s.position;
    // A sell never exceeds the position.
    if (side === 'sell' && amount.gt(pos.baseQty))
      return this.refused(symbol, side, now, `selling ${str(amount)} exceeds the position ${str(pos.baseQty)}`, 'duplicate');
    // An entry never opens a position that is open already.
    if (side === 'buy' && pos.baseQty.gt(ZERO) && pos.openedAt !== null) return this.refused(symbol, side, now, 'a position is open already', 'duplicate');
    const bucket = Math.floor(now / this.opts.bucketMs);
    if (bucket !== s.keysBucket) {
      s.keys.clear();
      s.orderIds.clear();
      s.keysBucket = bucket;
    }
    if (s.keys.has(key)) return this.refused(symbol, side, now, `key ${key} is taken`, 'duplicate');
    s.keys.add(key);
    const coid = deriveClientOrderId(key);
    if (s.orderIds.has(coid)) return this.refused(symbol, side, now, `order ${coid} exists already`, 'duplicate');
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
    const venue = this.opts.venue;
    const sent = side === 'buy' ? venue.marketBuyQuote(symbol, amount, coid) : venue.marketSellBase(symbol, amount, coid);
    if (!sent.ok) return this.notFilled(s, order, key, sent.error, now);
    this.settle(s, order, sent.value, inst, now);
    return 'placed';
  }

  /** The venue's answer applied: order status, fills, position, the ledger (OrderSettler.store + announce). */
  private settle(s: SymbolState, local: OrderRecord, dto: OrderDTO, inst: Instrument, now: number): void {
    const st = settleOrder(local, dto, inst, now);
    // The position moves: its exit state is recomputed exactly at the next check.
    s.exitShadow = false;
    const order: OrderRecord = { ...local, ...st.patch };
    for (const f of st.fills) this.fills.push({ fill: f, reason: local.reason ?? '' });
    if (st.delta) {
      const change = applyToPosition(s.position, st.delta, now, instrumentDust(inst));
      s.position = { ...change.position, version: s.position.version + 1 };
      if (change.outcome) this.ledger.filled(s.symbol, st.delta, change.outcome);
    }
    if (!isTerminal(order.status)) s.unsettled.set(order.clientOrderId, order);
    if (this.keep) this.outbox.push({ kind: 'order', ts: now, symbol: s.symbol, order });
  }

  /** Refused by the venue, or no answer: rejected (the key stays taken unless retryable) or in flight (never re-sent). */
  private notFilled(s: SymbolState, order: OrderRecord, key: string, error: BrokerError, now: number): OrderAnswer['kind'] {
    const status = error.kind === 'ambiguous' ? 'in_flight' : 'rejected';
    const o: OrderRecord = { ...order, status, updatedAt: now };
    if (error.kind === 'retryable') s.keys.delete(key);
    if (status === 'in_flight') s.unsettled.set(o.clientOrderId, o);
    if (this.keep) this.outbox.push({ kind: 'order', ts: now, symbol: s.symbol, order: o, error: `${error.kind} ${error.code}: ${error.message}` });
    if (error.kind === 'fatal') this.halts.set('BROKER.FATAL', 'halted');
    return status === 'in_flight' ? 'in_flight' : 'failed';
  }

  private refused(symbol: string, side: Side, now: number, reason: string, kind: 'duplicate' | 'failed'): OrderAnswer['kind'] {
    if (this.keep) this.outbox.push({ kind: 'refused', ts: now, symbol, side, reason });
    return kind;
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
