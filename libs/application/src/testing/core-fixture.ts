import {
  dec,
  ExitPolicy,
  RiskManager,
  ZERO,
  type Clock,
  type Decimal,
  type DecimalInput,
  type ExitConfig,
  type Instrument,
  type OrderBook,
  type RiskConfig,
  type SignalAction,
} from '@cab/domain';
import { anInstrument, aRiskConfig, T0, type FakeClock } from '@cab/domain/testing';
import type { BalanceDTO, BrokerResult, FillDTO, OrderDTO, TickerDTO } from '../ports/broker';
import type { VenueCapabilities } from '../ports/venue-capabilities';
import type { CandleClosedEvent } from '../core/core-events';
import type { CoreOutput } from '../core/core-output';
import { EventDriver, type EventDriverOptions } from '../core/event-driver';
import { TradingCore } from '../core/trading-core';
import type { CandleQuote, VenueView } from '../core/venue-view';
import { deferred, type Deferred } from './deferred';
import { remoteControlled } from './remote-controlled-strategy';
import { TEST_VENUE_CAPABILITIES } from './venue-capabilities';

// The trading core's specs share one world (docs/core.md): one pair, one-minute candles flat at
// 50,000 with a 49,999 / 50,001 quote, a venue view that never moves unless the spec moves it, a
// remote-controlled strategy, and a core on an EventDriver whose broker answers when the spec says.

/** The pair every core spec trades. */
export const SYMBOL = 'BTC/USDT';
/** The specs' timeframe and idempotency bucket: one minute. */
export const TF = 60_000;

/** Risk limits that would refuse a spec's back-to-back orders, off: no cooldown, no hourly cap, no loss-streak pause. */
export const QUIET_RISK: Partial<RiskConfig> = { cooldownSec: 0, maxOrdersPerHour: 0, lossStreakMax: 0 };
/** No exit at all: only the spec's signals (and the operator) move the position. */
export const NO_EXITS: ExitConfig = { stopPct: ZERO, trailActivatePct: ZERO, trailPct: ZERO, takeProfitPct: ZERO };
/** A hard stop 2 % under the entry and a 0.5 % trailing stop armed at +1 %; no take-profit. */
export const STOP_AND_TRAIL: Partial<ExitConfig> = { stopPct: dec('0.02'), trailActivatePct: dec('0.01'), trailPct: dec('0.005') };

/**
 * The venue as the core reads it: the pair's rules (price tick 0.01), a one-level book (bid 49,999,
 * ask 50,001, 100 each), and the balances the spec sets — `freeBase` moves as the spec's venue
 * fills (a sell is sized to it); `balanceUnknown` answers null, as before a driver's first read.
 */
export class FakeVenueView implements VenueView {
  readonly name = 'fake';
  readonly capabilities: VenueCapabilities;
  readonly inst: Instrument = anInstrument({ priceTick: '0.01' });
  freeBase: Decimal;
  freeQuote: Decimal;
  balanceUnknown: boolean;

  constructor(over: { freeBase?: Decimal; freeQuote?: Decimal; balanceUnknown?: boolean; capabilities?: Partial<VenueCapabilities> } = {}) {
    this.capabilities = { ...TEST_VENUE_CAPABILITIES, ...over.capabilities };
    this.freeBase = over.freeBase ?? ZERO;
    this.freeQuote = over.freeQuote ?? dec('10000');
    this.balanceUnknown = over.balanceUnknown ?? false;
  }
  instrument(): Instrument {
    return this.inst;
  }
  balance(): BalanceDTO | null {
    if (this.balanceUnknown) return null;
    return { symbol: SYMBOL, base: 'BTC', quote: 'USDT', freeBase: this.freeBase, usedBase: ZERO, freeQuote: this.freeQuote, usedQuote: ZERO };
  }
  book(): OrderBook {
    return { symbol: SYMBOL, ts: 0, bids: [{ price: dec('49999'), amount: dec('100') }], asks: [{ price: dec('50001'), amount: dec('100') }] };
  }
}

/** One trade the venue made of an order: `base` at `price`, under the venue's trade id. */
export interface VenueTrade {
  readonly id: string;
  readonly base: DecimalInput;
  readonly price: DecimalInput;
}

/** What a spec says of the venue's answer; the totals are summed from the trades. */
export interface MarketOrderAnswer {
  /** The venue's order id. */
  readonly id: string;
  readonly clientOrderId: string | null;
  /** Default buy. */
  readonly side?: 'buy' | 'sell';
  readonly trades: readonly VenueTrade[];
  /** Default closed. */
  readonly status?: OrderDTO['status'];
  /** Each trade's fee, Gate's way: in base on a buy, in quote on a sell (docs/lessons.md #4). Default 0.2 %. */
  readonly feeRate?: DecimalInput;
  /** Default: base on a buy, quote on a sell; null when nothing traded. */
  readonly feeCurrency?: string;
  /** What was asked. Default: a buy's quote is what it cost, a sell's base what it sold. */
  readonly requestedQuote?: Decimal | null;
  readonly requestedBase?: Decimal | null;
  /** The trades' and the order's time. Default T0. */
  readonly ts?: number;
}

/** The venue's word on a market order of ours (an answer or a look): its trades so far and their totals. */
export function marketOrderAnswer(o: MarketOrderAnswer): OrderDTO {
  const side = o.side ?? 'buy';
  const ts = o.ts ?? T0;
  const rate = dec(o.feeRate ?? '0.002');
  const feeCurrency = o.feeCurrency ?? (side === 'buy' ? 'BTC' : 'USDT');
  let filledBase = ZERO;
  let filledQuote = ZERO;
  let fee = ZERO;
  const fills = o.trades.map((t): FillDTO => {
    const amount = dec(t.base);
    const price = dec(t.price);
    const cost = amount.times(price);
    const tradeFee = side === 'buy' ? amount.times(rate) : cost.times(rate);
    filledBase = filledBase.plus(amount);
    filledQuote = filledQuote.plus(cost);
    fee = fee.plus(tradeFee);
    return { id: t.id, orderId: o.id, ts, side, price, amount, cost, fee: tradeFee, feeCurrency };
  });
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    symbol: SYMBOL,
    side,
    type: 'market',
    status: o.status ?? 'closed',
    requestedQuote: o.requestedQuote !== undefined ? o.requestedQuote : side === 'buy' ? filledQuote : null,
    requestedBase: o.requestedBase !== undefined ? o.requestedBase : side === 'sell' ? filledBase : null,
    filledBase,
    filledQuote,
    averagePrice: filledBase.gt(ZERO) ? filledQuote.div(filledBase) : null,
    fee,
    feeCurrency: fills.length > 0 ? feeCurrency : null,
    createdAt: ts,
    updatedAt: ts,
    fills,
  };
}

/** The quote after a candle that closed at `now`: bid 49,999, ask 50,001, last 50,000. */
export function quoteAt(now: number): CandleQuote {
  const ticker: TickerDTO = { symbol: SYMBOL, bid: dec('49999'), ask: dec('50001'), last: dec('50000'), ts: now };
  return { bidApprox: 49_999, ticker: () => ticker };
}

/** The one-minute candle that closed at `now`, flat at 50,000, with its quote: what a market data pump enqueues. */
export function candleClosedAt(now: number): CandleClosedEvent {
  return {
    kind: 'candle-closed',
    symbol: SYMBOL,
    candle: { ts: now - TF, open: 50_000, high: 50_000, low: 50_000, close: 50_000, volume: 1 },
    quote: quoteAt(now),
    timeframeMs: TF,
  };
}

/** An order as the broker was asked to send it, and its answer, which comes when the spec resolves it. */
export interface HeldSend {
  readonly clientOrderId: string;
  readonly side: 'buy' | 'sell';
  /** Quote on a buy, base on a sell. */
  readonly amount: Decimal;
  readonly answer: Deferred<BrokerResult<OrderDTO>>;
}

/** A broker whose answers come when the spec says (or never: the process "dies" first). */
export class SlowBroker {
  readonly sends: HeldSend[] = [];

  createMarketBuyQuote(_symbol: string, quote: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.send(clientOrderId, 'buy', quote);
  }
  createMarketSellBase(_symbol: string, base: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.send(clientOrderId, 'sell', base);
  }
  /**
   * Until the broker has been asked `n` times (the write-ahead runs first, on the in-memory store's
   * microtasks). Bounded in turns, so a send that never comes fails the spec instead of spinning.
   */
  async sent(n: number): Promise<void> {
    for (let turn = 0; this.sends.length < n; turn++) {
      if (turn > 100_000) throw new Error(`the broker was asked ${this.sends.length} time(s), not ${n}`);
      await new Promise<void>((r) => queueMicrotask(r));
    }
  }
  protected send(clientOrderId: string, side: 'buy' | 'sell', amount: Decimal): Promise<BrokerResult<OrderDTO>> {
    const answer = deferred<BrokerResult<OrderDTO>>();
    this.sends.push({ clientOrderId, side, amount, answer });
    return answer.promise;
  }
}

/** What a core spec sets; the rest is the shared world above. */
export interface CoreFixtureOptions {
  clock: Clock;
  /** Default: a new FakeVenueView. */
  venue?: VenueView;
  /** Limits over aRiskConfig's, after QUIET_RISK. */
  risk?: Partial<RiskConfig>;
  /** Exit levels over NO_EXITS. */
  exits?: Partial<ExitConfig>;
  notFoundGraceMs?: number;
}

/**
 * A TradingCore on SYMBOL as the specs build it: a remote-controlled strategy (`next.action` is the
 * next signal; it starts at hold), 100 USDT an entry, buckets of TF, publishing and persisting.
 */
export function aTradingCore(o: CoreFixtureOptions): { core: TradingCore; next: { action: SignalAction } } {
  const next = { action: 'hold' as SignalAction };
  const core = new TradingCore({
    symbols: [SYMBOL],
    strategy: remoteControlled(next),
    risk: new RiskManager(aRiskConfig({ ...QUIET_RISK, ...o.risk })),
    exits: new ExitPolicy({ ...NO_EXITS, ...o.exits }),
    fixedAmount: dec('100'),
    bucketMs: TF,
    venue: o.venue ?? new FakeVenueView(),
    clock: o.clock,
    publish: true,
    persist: true,
    ...(o.notFoundGraceMs !== undefined ? { notFoundGraceMs: o.notFoundGraceMs } : {}),
  });
  return { core, next };
}

/** The core's options, and what its EventDriver is given. */
export interface CoreWithDriverOptions extends CoreFixtureOptions {
  /** Fake: `candle` moves it one timeframe. */
  clock: FakeClock;
  broker: EventDriverOptions['broker'];
  stores: EventDriverOptions['stores'];
  reconcile?: EventDriverOptions['reconcile'];
  onBacklog?: EventDriverOptions['onBacklog'];
}

/**
 * One life of the bot: aTradingCore on an EventDriver (idempotency keys held an hour), its facts and
 * errors collected, and `candle(signal)`, which moves the clock one timeframe, makes `signal` the
 * strategy's next word and enqueues the candle that closed then.
 */
export function aCoreWithDriver(o: CoreWithDriverOptions) {
  const { core, next } = aTradingCore(o);
  const facts: CoreOutput[] = [];
  const errors: string[] = [];
  const driver = new EventDriver({
    core,
    broker: o.broker,
    stores: o.stores,
    idempotencyTtlMs: 3_600_000,
    ...(o.reconcile ? { reconcile: o.reconcile } : {}),
    publish: (f) => facts.push(f),
    onError: (_c, e) => errors.push(e),
    ...(o.onBacklog ? { onBacklog: o.onBacklog } : {}),
  });
  const candle = (signal: SignalAction): void => {
    o.clock.advance(TF);
    next.action = signal;
    driver.enqueue(candleClosedAt(o.clock.now()));
  };
  return { core, next, driver, facts, errors, candle };
}
