import { dec, ExitPolicy, RiskManager, ZERO, type Candle, type Decimal, type Instrument, type OrderBook, type SignalAction } from '@cab/domain';
import { remoteControlled } from '../testing/remote-controlled-strategy';
import { anInstrument, aRiskConfig, FakeClock, T0 } from '@cab/domain/testing';
import type { BalanceDTO, BrokerResult, OrderDTO, TickerDTO } from '../ports/broker';
import { deferred, InMemoryStorage, type Deferred } from '../testing';
import type { RequestReconcileCommand } from './core-commands';
import type { CoreOutput } from './core-output';
import { EventDriver } from './event-driver';
import { TradingCore } from './trading-core';
import type { VenueView } from './venue-view';
import { TEST_VENUE_CAPABILITIES } from '../testing/venue-capabilities';

const SYMBOL = 'BTC/USDT';
const TF = 60_000;

/** The venue as the driver last read it; the spec moves the base balance as the fake venue fills. */
class View implements VenueView {
  readonly name = 'fake';
  readonly capabilities = TEST_VENUE_CAPABILITIES;
  readonly inst: Instrument = anInstrument({ priceTick: '0.01' });
  freeBase: Decimal = ZERO;
  instrument(): Instrument {
    return this.inst;
  }
  balance(): BalanceDTO {
    return { symbol: SYMBOL, base: 'BTC', quote: 'USDT', freeBase: this.freeBase, usedBase: ZERO, freeQuote: dec('10000'), usedQuote: ZERO };
  }
  book(): OrderBook {
    return { symbol: SYMBOL, ts: 0, bids: [{ price: dec('49999'), amount: dec('100') }], asks: [{ price: dec('50001'), amount: dec('100') }] };
  }
}

/** A broker whose answers come when the spec says (or never: the process "dies" first). */
class SlowBroker {
  readonly sends: { order: { clientOrderId: string; side: 'buy' | 'sell'; amount: Decimal }; answer: Deferred<BrokerResult<OrderDTO>> }[] = [];
  createMarketBuyQuote(symbol: string, quote: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.send(clientOrderId, 'buy', quote);
  }
  createMarketSellBase(symbol: string, base: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.send(clientOrderId, 'sell', base);
  }
  private send(clientOrderId: string, side: 'buy' | 'sell', amount: Decimal): Promise<BrokerResult<OrderDTO>> {
    const answer = deferred<BrokerResult<OrderDTO>>();
    this.sends.push({ order: { clientOrderId, side, amount }, answer });
    return answer.promise;
  }
}

/** The venue's word: `base` traded whole at 50,000, fee 0.2 % (in base on a buy, in quote on a sell). */
function filledDto(clientOrderId: string, side: 'buy' | 'sell', base: Decimal, tradeId: string, ts: number): OrderDTO {
  const quote = base.times('50000');
  const fee = side === 'buy' ? base.times('0.002') : quote.times('0.002');
  const feeCurrency = side === 'buy' ? 'BTC' : 'USDT';
  return {
    id: `x-${tradeId}`,
    clientOrderId,
    symbol: SYMBOL,
    side,
    type: 'market',
    status: 'closed',
    requestedQuote: side === 'buy' ? quote : null,
    requestedBase: side === 'sell' ? base : null,
    filledBase: base,
    filledQuote: quote,
    averagePrice: dec('50000'),
    fee,
    feeCurrency,
    createdAt: ts,
    updatedAt: ts,
    fills: [{ id: tradeId, orderId: `x-${tradeId}`, ts, side, price: dec('50000'), amount: base, cost: quote, fee, feeCurrency }],
  };
}

/** One life of the bot on the shared store: its own core, driver and broker, as a new process would have. */
function life(storage: InMemoryStorage, clock: FakeClock, view: View, maxOrdersPerHour = 0) {
  const broker = new SlowBroker();
  const next = { action: 'hold' as SignalAction };
  const core = new TradingCore({
    symbols: [SYMBOL],
    strategy: remoteControlled(next),
    risk: new RiskManager(aRiskConfig({ cooldownSec: 0, maxOrdersPerHour, lossStreakMax: 0 })),
    exits: new ExitPolicy({ stopPct: dec('0'), trailActivatePct: dec('0'), trailPct: dec('0'), takeProfitPct: dec('0') }),
    fixedAmount: dec('100'),
    bucketMs: TF,
    venue: view,
    clock,
    publish: true,
    persist: true,
    notFoundGraceMs: 60_000,
  });
  const facts: CoreOutput[] = [];
  const errors: string[] = [];
  const reconciles: RequestReconcileCommand[] = [];
  const driver = new EventDriver({
    core,
    broker,
    stores: storage,
    idempotencyTtlMs: 3_600_000,
    reconcile: (c) => reconciles.push(c),
    publish: (f) => facts.push(f),
    onError: (_c, e) => errors.push(e),
  });
  const candle = (signal: SignalAction): void => {
    clock.advance(TF);
    next.action = signal;
    const c: Candle = { ts: clock.now() - TF, open: 50_000, high: 50_000, low: 50_000, close: 50_000, volume: 1 };
    const t: TickerDTO = { symbol: SYMBOL, bid: dec('49999'), ask: dec('50001'), last: dec('50000'), ts: clock.now() };
    driver.enqueue({ kind: 'candle-closed', symbol: SYMBOL, candle: c, quote: { bidApprox: 49_999, ticker: () => t }, timeframeMs: TF });
  };
  const sent = async (n: number): Promise<void> => {
    while (broker.sends.length < n) await new Promise<void>((r) => queueMicrotask(r));
  };
  return { core, broker, driver, candle, facts, errors, reconciles, sent };
}

/**
 * Until every store write and send the last events started has run (the in-memory store answers
 * in microtasks; a macrotask comes after them all). Not `idle()`: a send that should not have
 * happened would keep it waiting for an answer that never comes, and the spec would time out
 * instead of failing on the count.
 */
const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A first life that bought 0.002 BTC (a fill answered and stored), then stopped entries. */
async function boughtAndStoppedEntries(storage: InMemoryStorage, clock: FakeClock, view: View) {
  const first = life(storage, clock, view);
  first.candle('buy');
  await first.sent(1);
  const buy = first.broker.sends[0]!;
  buy.answer.resolve({ ok: true, value: filledDto(buy.order.clientOrderId, 'buy', dec('0.002'), 'tr-buy', clock.now()) });
  await first.driver.idle();
  view.freeBase = first.core.position(SYMBOL).baseQty;
  first.driver.enqueue({ kind: 'operator', action: 'stop-entries', actor: 'spec' });
  await first.driver.idle();
  return first;
}

describe('EventDriver.recover: start-up recovery is the path after a crash', () => {
  it('a driver dropped between the write-ahead and the send’s answer: the next one never re-sends, settles the order from a reconcile report; position and halt survive', async () => {
    const clock = new FakeClock(T0);
    const storage = new InMemoryStorage(clock);
    const view = new View();
    const first = await boughtAndStoppedEntries(storage, clock, view);
    first.candle('sell');
    await first.sent(2);
    const sell = first.broker.sends[1]!.order;
    // The crash: the write-ahead is committed, the send's answer never comes; `first` is dropped.
    expect((await storage.orders.byClientOrderId(sell.clientOrderId))?.status).toBe('new');

    const second = life(storage, clock, view);
    await second.driver.recover(storage);
    await second.driver.idle();
    expect(second.core.position(SYMBOL).baseQty.toString()).toBe('0.001996');
    expect(second.core.halts.level('OPERATOR.ENTRIES')).toBe('reducing');
    expect(second.core.order(sell.clientOrderId)?.status).toBe('in_flight');
    expect((await storage.orders.byClientOrderId(sell.clientOrderId))?.status).toBe('in_flight');
    expect(second.reconciles).toEqual([{ kind: 'request-reconcile', requestedAtSeq: second.core.seq, reason: 'start-up' }]);

    // Signals while the sell's outcome is unknown: nothing is sent (the sell is unsettled; entries are stopped).
    second.candle('sell');
    second.candle('buy');
    await settled();
    expect(second.broker.sends).toHaveLength(0);
    expect(second.facts).toContainEqual(expect.objectContaining({ kind: 'refused', side: 'sell', reason: expect.stringMatching(/is not settled yet$/) }));

    // The reconcile the recovery asked for: the venue filled the sell.
    const seen = filledDto(sell.clientOrderId, 'sell', sell.amount, 'tr-sell', clock.now());
    view.freeBase = dec('0.001996').minus(sell.amount);
    second.driver.enqueue({
      kind: 'reconcile-report',
      requestedAtSeq: second.reconciles[0]!.requestedAtSeq,
      symbols: [{ symbol: SYMBOL, openOrders: [], observed: [seen], notFound: [], balance: view.balance() }],
    });
    await second.driver.idle();
    expect(second.core.order(sell.clientOrderId)?.status).toBe('filled');
    expect(second.core.position(SYMBOL).baseQty.toString()).toBe(dec('0.001996').minus(sell.amount).toString());
    expect((await storage.orders.byClientOrderId(sell.clientOrderId))?.status).toBe('filled');
    expect((await storage.fills.byOrder(sell.clientOrderId)).map((f) => f.tradeId)).toEqual(['tr-sell']);
    expect(second.broker.sends).toHaveLength(0);
    expect([...first.errors, ...second.errors]).toEqual([]);
  });

  it('an order lost in flight that the venue never saw is closed by the reconcile after the grace, and its side is free again', async () => {
    const clock = new FakeClock(T0);
    const storage = new InMemoryStorage(clock);
    const view = new View();
    const first = await boughtAndStoppedEntries(storage, clock, view);
    first.candle('sell');
    await first.sent(2);
    const sell = first.broker.sends[1]!.order.clientOrderId;

    const second = life(storage, clock, view);
    await second.driver.recover(storage);
    const report = (requestedAtSeq: number) =>
      second.driver.enqueue({
        kind: 'reconcile-report',
        requestedAtSeq,
        symbols: [{ symbol: SYMBOL, openOrders: [], observed: [], notFound: [sell], balance: view.balance() }],
      });
    // Inside the grace the order may still be on its way: it stays in flight.
    report(second.reconciles[0]!.requestedAtSeq);
    await second.driver.idle();
    expect(second.core.order(sell)?.status).toBe('in_flight');
    clock.advance(61_000);
    report(second.core.seq);
    await second.driver.idle();
    expect(second.core.order(sell)?.status).toBe('rejected');
    expect((await storage.orders.byClientOrderId(sell))?.status).toBe('rejected');
    second.candle('sell');
    await second.sent(1);
    expect(second.broker.sends[0]!.order).toMatchObject({ side: 'sell' });
    expect(second.broker.sends[0]!.order.clientOrderId).not.toBe(sell);
  });

  it('the risk ledger is replayed from the stored orders: the orders of the last hour still count after a restart', async () => {
    const clock = new FakeClock(T0);
    const storage = new InMemoryStorage(clock);
    const view = new View();
    const first = life(storage, clock, view, 2);
    first.candle('buy');
    await first.sent(1);
    const buy = first.broker.sends[0]!.order;
    first.broker.sends[0]!.answer.resolve({ ok: true, value: filledDto(buy.clientOrderId, 'buy', dec('0.002'), 'tr-1', clock.now()) });
    await first.driver.idle();
    view.freeBase = first.core.position(SYMBOL).baseQty;
    first.candle('sell');
    await first.sent(2);
    const sell = first.broker.sends[1]!.order;
    first.broker.sends[1]!.answer.resolve({ ok: true, value: filledDto(sell.clientOrderId, 'sell', sell.amount, 'tr-2', clock.now()) });
    await first.driver.idle();
    view.freeBase = ZERO;

    const second = life(storage, clock, view, 2);
    await second.driver.recover(storage);
    second.candle('buy');
    await settled();
    expect(second.broker.sends).toHaveLength(0);
    expect(second.facts).toContainEqual(expect.objectContaining({ kind: 'risk', side: 'buy', ok: false, codes: ['RISK.ORDERS_PER_HOUR'] }));
  });

  it('restores only into a core that has handled nothing', async () => {
    const clock = new FakeClock(T0);
    const storage = new InMemoryStorage(clock);
    const t = life(storage, clock, new View());
    t.candle('hold');
    await expect(t.driver.recover(storage)).rejects.toThrow(/handled no event/);
  });
});
