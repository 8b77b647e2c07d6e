import fc from 'fast-check';
import { remoteControlled } from '../testing/remote-controlled-strategy';
import {
  dec,
  ExitPolicy,
  isTerminal,
  RiskManager,
  str,
  ZERO,
  type Candle,
  type Decimal,
  type Instrument,
  type OrderBook,
  type SignalAction,
} from '@cab/domain';
import { anInstrument, aRiskConfig, FakeClock, T0 } from '@cab/domain/testing';
import type { BalanceDTO, BrokerResult, FillDTO, OrderDTO, TickerDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import type { CoreCommand } from './core-commands';
import type { CoreEvent, ReconcileReportEvent } from './core-events';
import type { CoreOutput } from './core-output';
import { TradingCore } from './trading-core';
import type { VenueView } from './venue-view';
import { TEST_VENUE_CAPABILITIES } from '../testing/venue-capabilities';

/**
 * The core driven the way a live venue drives it (docs/core.md, "Checks that carry over"): orders
 * leave as commands, and their answers, later looks and reconcile reports come back late,
 * twice, out of order, or as "unknown" (an ambiguous error, the venue having traded or not),
 * beside candles whose scripted signals buy and sell, exits that fire, and the operator. After
 * every event the invariants hold; at the end, once everything is told, the books are the venue's.
 */

const SYMBOL = 'BTC/USDT';
const TF = 60_000;
const GRACE = 2 * TF;
const FEE = dec('0.002');

/**
 * What the venue does with an order sent to it: fills it (whole, or half now and the rest at the
 * next `progress`), refuses it, or trades it and the answer is lost (ambiguous), or never gets it
 * and the answer is lost; `slow`: the order is still on its way (it arrives and fills at the next
 * `progress`, and only then is it answered), so a look or a reconcile may not find it yet.
 */
type Fate = 'fill' | 'two-parts' | 'reject' | 'retryable' | 'lost-executed' | 'lost-never' | 'slow';

type Action =
  | { t: 'candle'; move: number; signal: SignalAction }
  | { t: 'deliver'; pick: number; keep: boolean }
  | { t: 'drop'; pick: number }
  | { t: 'progress' }
  | { t: 'look'; pick: number }
  | { t: 'reconcile'; now: boolean; unread: boolean }
  | { t: 'operator'; action: 'force-exit' | 'halt' | 'resume' | 'stop-entries' };

/** One order as the venue holds it: what it has traded so far and what is still to come. */
interface VenueOrder {
  readonly clientOrderId: string;
  readonly id: string;
  readonly side: 'buy' | 'sell';
  readonly requestedQuote: Decimal | null;
  readonly requestedBase: Decimal | null;
  readonly fills: FillDTO[];
  /** Base still to trade at the next `progress` (two-part orders). */
  rest: Decimal;
}

/**
 * A venue with exact books and no clock of its own: it trades what it is sent at the current
 * quote (buy at the ask, base fee; sell at the bid, quote fee), or not, as the fate says, and
 * answers only when the test delivers. It is also the VenueView the core reads.
 */
class ModelVenue implements VenueView {
  readonly name = 'model';
  readonly capabilities = TEST_VENUE_CAPABILITIES;
  readonly inst: Instrument = anInstrument({ priceTick: '0.01' });
  readonly orders = new Map<string, VenueOrder>();
  /** Orders on their way (fate `slow`), with what to answer once they arrive. */
  readonly transit: { order: OrderRecord; answer: (r: BrokerResult<OrderDTO>) => void }[] = [];
  base = ZERO;
  quote = dec('100000');
  price = dec('50000');
  private ids = 0;
  private trades = 0;

  constructor(private readonly clock: FakeClock) {}

  ticker(): TickerDTO {
    const half = this.price.times('0.0001');
    return { symbol: SYMBOL, bid: this.price.minus(half), ask: this.price.plus(half), last: this.price, ts: this.clock.now() };
  }
  instrument(): Instrument {
    return this.inst;
  }
  balance(): BalanceDTO {
    return { symbol: SYMBOL, base: 'BTC', quote: 'USDT', freeBase: this.base, usedBase: ZERO, freeQuote: this.quote, usedQuote: ZERO };
  }
  book(): OrderBook {
    const t = this.ticker();
    return { symbol: SYMBOL, ts: t.ts, bids: [{ price: t.bid, amount: dec('1000') }], asks: [{ price: t.ask, amount: dec('1000') }] };
  }

  /** The order arrives (or not): what the venue answers, before transport decides whether the answer is lost. */
  receive(o: OrderRecord, fate: Fate): BrokerResult<OrderDTO> {
    if (fate === 'lost-never') return { ok: false, error: { kind: 'ambiguous', code: 'TIMEOUT', message: 'no answer' } };
    if (fate === 'reject') return { ok: false, error: { kind: 'rejected', code: 'REFUSED', message: 'no' } };
    if (fate === 'retryable') return { ok: false, error: { kind: 'retryable', code: 'RATE_LIMIT', message: '429' } };
    const t = this.ticker();
    const total = o.side === 'buy' ? this.inst.qty(o.requestedQuote!.div(t.ask), 'down') : o.requestedBase!;
    if (o.side === 'sell' && total.gt(this.base)) return { ok: false, error: { kind: 'rejected', code: 'BALANCE_NOT_ENOUGH', message: 'balance' } };
    const v: VenueOrder = {
      clientOrderId: o.clientOrderId,
      id: `v${++this.ids}`,
      side: o.side,
      requestedQuote: o.requestedQuote,
      requestedBase: o.requestedBase,
      fills: [],
      rest: total,
    };
    this.orders.set(o.clientOrderId, v);
    this.trade(v, fate === 'two-parts' ? this.inst.qty(total.div(dec('2')), 'down') : total);
    const answer = this.snapshot(v);
    return fate === 'lost-executed' ? { ok: false, error: { kind: 'ambiguous', code: 'TIMEOUT', message: 'no answer' } } : { ok: true, value: answer };
  }

  /** Open orders trade their rest at the current quote; orders on their way arrive, fill and are answered. */
  progress(): void {
    for (const v of this.orders.values()) if (v.rest.gt(ZERO)) this.trade(v, v.rest);
    for (const t of this.transit.splice(0)) t.answer(this.receive(t.order, 'fill'));
  }

  /** A buy of ours on its way or still trading: a second one now would be a second entry. */
  buyLive(): boolean {
    return this.transit.some((t) => t.order.side === 'buy') || [...this.orders.values()].some((v) => v.side === 'buy' && v.rest.gt(ZERO));
  }

  private trade(v: VenueOrder, amount: Decimal): void {
    if (!amount.gt(ZERO)) return;
    const t = this.ticker();
    const price = v.side === 'buy' ? t.ask : t.bid;
    const cost = amount.times(price);
    const fee = v.side === 'buy' ? amount.times(FEE) : cost.times(FEE);
    if (v.side === 'buy') {
      this.quote = this.quote.minus(cost);
      this.base = this.base.plus(amount.minus(fee));
    } else {
      this.base = this.base.minus(amount);
      this.quote = this.quote.plus(cost.minus(fee));
    }
    v.rest = v.rest.minus(amount);
    v.fills.push({
      id: `t${++this.trades}`,
      orderId: v.id,
      ts: this.clock.now(),
      side: v.side,
      price,
      amount,
      cost,
      fee,
      feeCurrency: v.side === 'buy' ? 'BTC' : 'USDT',
    });
  }

  /** The order as a look at it now shows it (totals and every trade so far). */
  snapshot(v: VenueOrder): OrderDTO {
    let base = ZERO;
    let quote = ZERO;
    let fee = ZERO;
    for (const f of v.fills) {
      base = base.plus(f.amount);
      quote = quote.plus(f.cost);
      fee = fee.plus(f.fee);
    }
    const now = this.clock.now();
    return {
      id: v.id,
      clientOrderId: v.clientOrderId,
      symbol: SYMBOL,
      side: v.side,
      type: 'market',
      status: v.rest.gt(ZERO) ? 'open' : 'closed',
      requestedQuote: v.requestedQuote,
      requestedBase: v.requestedBase,
      filledBase: base,
      filledQuote: quote,
      averagePrice: base.gt(ZERO) ? quote.div(base) : null,
      fee,
      feeCurrency: v.fills.length > 0 ? (v.side === 'buy' ? 'BTC' : 'USDT') : null,
      createdAt: now,
      updatedAt: now,
      fills: [...v.fills],
    };
  }

  allTradeIds(): string[] {
    return [...this.orders.values()].flatMap((v) => v.fills.map((f) => f.id));
  }
}

const isOpen = (p: { baseQty: Decimal; openedAt: number | null }) => p.baseQty.gt(ZERO) && p.openedAt !== null;

/** What the scenarios made happen, over all runs: a property over nothing would prove nothing. */
const seen = {
  buys: 0,
  sells: 0,
  exits: 0,
  forceExits: 0,
  raceRefused: 0,
  inFlight: 0,
  closedNotFound: 0,
  duplicates: 0,
  staleReconciles: 0,
  lateAnswers: 0,
  foundByTrades: 0,
};

/** Runs one scenario; throws (with the step) when an invariant breaks. */
function run(actions: readonly Action[], fates: readonly Fate[]): void {
  const clock = new FakeClock(T0);
  const venue = new ModelVenue(clock);
  const next = { action: 'hold' as SignalAction };
  const core = new TradingCore({
    symbols: [SYMBOL],
    strategy: remoteControlled(next),
    risk: new RiskManager(
      aRiskConfig({
        cooldownSec: 0,
        maxOrdersPerHour: 0,
        lossStreakMax: 0,
        dailyLossLimitQuote: dec('0'),
        maxDrawdownQuote: dec('0'),
        maxPositionBase: dec('0'),
      }),
    ),
    exits: new ExitPolicy({ stopPct: dec('0.02'), trailActivatePct: dec('0.01'), trailPct: dec('0.005'), takeProfitPct: dec('0.03') }),
    fixedAmount: dec('1000'),
    bucketMs: TF,
    venue,
    clock,
    publish: true,
    notFoundGraceMs: GRACE,
  });
  /** Reports on their way to the core, in no particular order. */
  const pending: CoreEvent[] = [];
  const sent: OrderRecord[] = [];
  let fateAt = 0;
  let mismatches = 0;
  let step = 0;
  let k = 0;

  const handle = (e: CoreEvent): void => {
    step++;
    const before = core.position(SYMBOL);
    const buysBefore = live().filter((o) => o.side === 'buy').length;
    const commands = core.handle(e);
    for (const c of commands) carryOut(c, before, buysBefore);
    check(e);
  };

  const carryOut = (c: CoreCommand, before: { baseQty: Decimal; openedAt: number | null }, buysBefore: number): void => {
    if (c.kind === 'publish') tally(c.fact);
    if (c.kind !== 'place-order') return;
    const o = c.order;
    if (o.side === 'buy') {
      // Against the venue's truth, not only the core's books: no buy of ours on its way or trading, no position held.
      if (venue.buyLive()) throw new Error(`step ${step}: a buy was sent while another buy of ours is on its way or trading on the venue`);
      if (!venue.base.lt(venue.inst.minBase)) throw new Error(`step ${step}: a buy was sent while the venue holds ${str(venue.base)} of ours`);
      if (isOpen(before)) throw new Error(`step ${step}: a buy was sent while a position of ${str(before.baseQty)} is open`);
      if (buysBefore > 0) throw new Error(`step ${step}: a buy was sent while another buy of ours is unsettled`);
    }
    if (sent.some((x) => x.clientOrderId === o.clientOrderId)) throw new Error(`step ${step}: ${o.clientOrderId} was sent twice`);
    sent.push(o);
    if (o.side === 'buy') seen.buys++;
    else seen.sells++;
    const fate = fates[fateAt++ % fates.length]!;
    const answer = (result: BrokerResult<OrderDTO>) => pending.push({ kind: 'order-report', clientOrderId: o.clientOrderId, answer: 'send', result });
    if (fate === 'slow') venue.transit.push({ order: o, answer });
    else answer(venue.receive(o, fate));
  };

  const tally = (f: CoreOutput): void => {
    if (f.kind === 'mismatch') mismatches++;
    if (f.kind === 'exit' && f.reason === 'FORCE') seen.forceExits++;
    else if (f.kind === 'exit') seen.exits++;
    if (f.kind === 'refused' && f.reason.endsWith('is not settled yet')) seen.raceRefused++;
    if (f.kind === 'order' && f.order.status === 'in_flight') seen.inFlight++;
    if (f.kind === 'order' && f.error?.startsWith('not found')) seen.closedNotFound++;
  };

  /** Our orders sent and not settled, as the core's record of each order says (not its own list of unsettled ones). */
  const live = (): OrderRecord[] => {
    const out: OrderRecord[] = [];
    for (const o of sent) {
      const rec = core.order(o.clientOrderId);
      if (!rec || !isTerminal(rec.status)) out.push(rec ?? o);
    }
    return out;
  };

  const check = (e: CoreEvent): void => {
    const at = `step ${step} (${e.kind})`;
    const unsettled = live();
    const pos = core.position(SYMBOL);
    if (unsettled.filter((o) => o.side === 'buy').length > 1) throw new Error(`${at}: two unsettled buys`);
    // Never a sell above the position: what unsettled sells may still sell fits in what is held.
    let selling = ZERO;
    for (const o of unsettled) if (o.side === 'sell') selling = selling.plus(o.requestedBase!.minus(o.filledBase));
    if (selling.gt(pos.baseQty)) throw new Error(`${at}: unsettled sells may sell ${str(selling)} of a position of ${str(pos.baseQty)}`);
    // Never a fill counted twice: the position is the sum of the distinct fills.
    const ids = new Set<string>();
    let base = ZERO;
    for (const { fill: f } of core.fills) {
      if (ids.has(f.tradeId)) throw new Error(`${at}: trade ${f.tradeId} counted twice`);
      ids.add(f.tradeId);
      base = f.side === 'buy' ? base.plus(f.amount).minus(f.feeCurrency === 'BTC' ? f.fee : ZERO) : base.minus(f.amount);
    }
    if (!base.eq(pos.baseQty)) throw new Error(`${at}: the position holds ${str(pos.baseQty)} but the distinct fills sum to ${str(base)}`);
  };

  /**
   * A report as ReconcilePump makes it: with the venue's trades and the orders behind them the core
   * did not know by exchange id (our own orders whose answer was lost, found again through their
   * trades: matched by client id, never adopted), or — `unread` — trades that could not be read.
   */
  const reconcileNow = (unread = false): ReconcileReportEvent => {
    const view = core.reconcileView(SYMBOL);
    const since = view.tradesSince ?? clock.now() - 24 * 3_600_000;
    const traded = [...venue.orders.values()].filter((v) => v.fills.length > 0);
    const trades = unread
      ? { startedAt: clock.now(), since, fills: [], orders: [], unread: [{ from: since, why: 'trades: RATE_LIMITED' }] }
      : {
          startedAt: clock.now(),
          since,
          fills: traded.flatMap((v) => v.fills),
          orders: traded.filter((v) => !view.knownExchangeIds.has(v.id)).map((v) => venue.snapshot(v)),
          unread: [],
        };
    if (!unread && trades.orders.length > 0) seen.foundByTrades++;
    const unsettled = core.unsettled(SYMBOL).map((o) => o.clientOrderId);
    const observed: OrderDTO[] = [];
    const notFound: string[] = [];
    for (const coid of unsettled) {
      const v = venue.orders.get(coid);
      if (v) observed.push(venue.snapshot(v));
      else notFound.push(coid);
    }
    const openOrders = [...venue.orders.values()].filter((v) => v.rest.gt(ZERO)).map((v) => venue.snapshot(v));
    return {
      kind: 'reconcile-report',
      requestedAtSeq: core.seq,
      symbols: [{ symbol: SYMBOL, openOrders, observed, notFound, balance: venue.balance(), trades }],
    };
  };

  const candle = (move: number, signal: SignalAction): void => {
    venue.price = venue.price
      .times(dec(String(10_000 + move)))
      .div(dec('10000'))
      .round(2);
    clock.set(T0 + ++k * TF);
    next.action = signal;
    const close = Number(str(venue.price));
    const c: Candle = { ts: clock.now() - TF, open: close, high: close, low: close, close, volume: 1 };
    const t = venue.ticker();
    handle({ kind: 'candle-closed', symbol: SYMBOL, candle: c, quote: { bidApprox: Number(str(t.bid)), ticker: () => t }, timeframeMs: TF });
  };

  for (const a of actions) {
    switch (a.t) {
      case 'candle':
        candle(a.move, a.signal);
        break;
      case 'deliver': {
        if (pending.length === 0) break;
        const i = a.pick % pending.length;
        const e = pending[i]!;
        if (!a.keep) pending.splice(i, 1);
        else seen.duplicates++;
        if (e.kind === 'reconcile-report' && e.requestedAtSeq < core.seq) seen.staleReconciles++;
        if (e.kind === 'order-report' && e.answer === 'send' && core.order(e.clientOrderId)?.status !== 'new') seen.lateAnswers++;
        handle(e);
        break;
      }
      case 'drop': {
        // Later looks and reconcile reports may be lost; the answer to a send always comes (as ok or an error).
        const i = pending.length === 0 ? -1 : a.pick % pending.length;
        const e = pending[i];
        if (e && !(e.kind === 'order-report' && e.answer === 'send')) pending.splice(i, 1);
        break;
      }
      case 'progress':
        venue.progress();
        break;
      case 'look': {
        if (sent.length === 0) break;
        const coid = sent[a.pick % sent.length]!.clientOrderId;
        const v = venue.orders.get(coid);
        const result: BrokerResult<OrderDTO> = v
          ? { ok: true, value: venue.snapshot(v) }
          : { ok: false, error: { kind: 'rejected', code: 'ORDER_NOT_FOUND', message: '?' } };
        pending.push({ kind: 'order-report', clientOrderId: coid, answer: 'look', result });
        break;
      }
      case 'reconcile': {
        const r = reconcileNow(a.unread);
        if (a.now) handle(r);
        else pending.push(r);
        break;
      }
      case 'operator':
        handle(
          a.action === 'force-exit'
            ? { kind: 'operator', action: 'force-exit', symbol: SYMBOL, actor: 'test' }
            : { kind: 'operator', action: a.action, actor: 'test' },
        );
        break;
    }
  }

  // Everything told at last: the venue done, every report delivered, a reconcile after the grace.
  venue.progress();
  while (pending.length > 0) handle(pending.shift()!);
  clock.advance(GRACE);
  for (let i = 0; i < 3 && core.unsettled(SYMBOL).length > 0; i++) handle(reconcileNow());
  handle(reconcileNow());
  expect(core.unsettled(SYMBOL)).toEqual([]);
  expect(core.fills.map((f) => f.fill.tradeId).sort()).toEqual(venue.allTradeIds().sort());
  expect(str(core.position(SYMBOL).baseQty)).toBe(str(venue.base));
  // The venue's balances never disagreed with books compared at the right time.
  expect(mismatches).toBe(0);
}

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('candle' as const),
      move: fc.integer({ min: -300, max: 300 }),
      signal: fc.constantFrom<SignalAction>('buy', 'sell', 'hold'),
    }),
  },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('deliver' as const), pick: fc.nat(), keep: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('drop' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'progress' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('look' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('reconcile' as const), now: fc.boolean(), unread: fc.nat({ max: 4 }).map((n) => n === 0) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('operator' as const),
      action: fc.constantFrom('force-exit' as const, 'halt' as const, 'resume' as const, 'stop-entries' as const),
    }),
  },
);
const fates = fc.array(fc.constantFrom<Fate>('fill', 'fill', 'two-parts', 'reject', 'retryable', 'lost-executed', 'lost-never', 'slow'), {
  minLength: 1,
  maxLength: 12,
});
const scenario = fc.tuple(fc.array(action, { minLength: 1, maxLength: 150, size: 'max' }), fates);

describe('TradingCore under random interleavings of candles, reports, reconciles and the operator', () => {
  it('never two live entries, never a sell above the position, never a fill counted twice; at the end the books are the venue', () => {
    fc.assert(
      fc.property(scenario, ([actions, f]) => run(actions, f)),
      { numRuns: 300 },
    );
    for (const [what, n] of Object.entries(seen)) expect([what, n > 10]).toEqual([what, true]);
  });
});
