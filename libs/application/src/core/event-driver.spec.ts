import { dec, ExitPolicy, RiskManager, ZERO, type Candle, type Decimal, type Instrument, type OrderBook, type SignalAction } from '@cab/domain';
import { remoteControlled } from '../testing/remote-controlled-strategy';
import { anInstrument, aRiskConfig, FakeClock, T0 } from '@cab/domain/testing';
import type { BalanceDTO, BrokerResult, OrderDTO, TickerDTO } from '../ports/broker';
import { deferred, InMemoryStorage, type Deferred } from '../testing';
import type { CoreOutput } from './core-output';
import { EventDriver } from './event-driver';
import { TradingCore } from './trading-core';
import type { VenueView } from './venue-view';
import { TEST_VENUE_CAPABILITIES } from '../testing/venue-capabilities';

const SYMBOL = 'BTC/USDT';
const TF = 60_000;

class View implements VenueView {
  readonly name = 'fake';
  readonly capabilities = TEST_VENUE_CAPABILITIES;
  readonly inst: Instrument = anInstrument({ priceTick: '0.01' });
  instrument(): Instrument {
    return this.inst;
  }
  balance(): BalanceDTO {
    return { symbol: SYMBOL, base: 'BTC', quote: 'USDT', freeBase: ZERO, usedBase: ZERO, freeQuote: dec('10000'), usedQuote: ZERO };
  }
  book(): OrderBook {
    return { symbol: SYMBOL, ts: 0, bids: [{ price: dec('49999'), amount: dec('100') }], asks: [{ price: dec('50001'), amount: dec('100') }] };
  }
}

/** A broker whose answers come when the test says; it records what the store held at the moment of each send. */
class SlowBroker {
  readonly sends: { clientOrderId: string; rowStatus: string | null; keyRef: string | null; answer: Deferred<BrokerResult<OrderDTO>> }[] = [];
  throwNext = false;

  constructor(private readonly storage: InMemoryStorage) {}

  createMarketBuyQuote(symbol: string, quote: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.send(clientOrderId);
  }
  createMarketSellBase(symbol: string, base: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.send(clientOrderId);
  }
  private async send(clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    const row = await this.storage.orders.byClientOrderId(clientOrderId);
    const key = row?.idempotencyKey ? await this.storage.idempotency.get(row.idempotencyKey) : null;
    const answer = deferred<BrokerResult<OrderDTO>>();
    this.sends.push({ clientOrderId, rowStatus: row?.status ?? null, keyRef: key?.ref ?? null, answer });
    if (this.throwNext) {
      this.throwNext = false;
      throw new Error('socket hang up');
    }
    return answer.promise;
  }
}

/** The venue's answer: `base` bought whole at 50,001 (fee 0.2 % in base). */
function filled(clientOrderId: string, base: string): BrokerResult<OrderDTO> {
  const b = dec(base);
  const quote = b.times('50001');
  const fee = b.times('0.002');
  return {
    ok: true,
    value: {
      id: 'x1',
      clientOrderId,
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      status: 'closed',
      requestedQuote: dec('100'),
      requestedBase: null,
      filledBase: b,
      filledQuote: quote,
      averagePrice: dec('50001'),
      fee,
      feeCurrency: 'BTC',
      createdAt: T0,
      updatedAt: T0,
      fills: [{ id: 'tr1', orderId: 'x1', ts: T0, side: 'buy', price: dec('50001'), amount: b, cost: quote, fee, feeCurrency: 'BTC' }],
    },
  };
}

function setup() {
  const clock = new FakeClock(T0);
  const storage = new InMemoryStorage(clock);
  const broker = new SlowBroker(storage);
  const next = { action: 'hold' as SignalAction };
  const core = new TradingCore({
    symbols: [SYMBOL],
    strategy: remoteControlled(next),
    risk: new RiskManager(aRiskConfig({ cooldownSec: 0, maxOrdersPerHour: 0, lossStreakMax: 0 })),
    exits: new ExitPolicy({ stopPct: dec('0.02'), trailActivatePct: dec('0.01'), trailPct: dec('0.005'), takeProfitPct: dec('0') }),
    fixedAmount: dec('100'),
    bucketMs: TF,
    venue: new View(),
    clock,
    publish: true,
    persist: true,
  });
  const facts: CoreOutput[] = [];
  const errors: string[] = [];
  const driver = new EventDriver({
    core,
    broker,
    stores: storage,
    idempotencyTtlMs: 3_600_000,
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
  /** Until the broker has been asked `n` times (the write-ahead runs first, on the store's own time). */
  const sent = async (n: number): Promise<void> => {
    while (broker.sends.length < n) await new Promise<void>((r) => queueMicrotask(r));
  };
  return { core, storage, broker, driver, candle, facts, errors, sent };
}

describe('EventDriver: the core on a queue, its commands carried out with write-ahead', () => {
  it('commits the order row (new) and its idempotency key before the send, then stores the answer: order, fill and position', async () => {
    const t = setup();
    t.candle('buy');
    await t.sent(1);
    const [send] = t.broker.sends;
    expect(send).toMatchObject({ rowStatus: 'new', keyRef: send!.clientOrderId });
    send!.answer.resolve(filled(send!.clientOrderId, '0.002'));
    await t.driver.idle();
    expect(await t.storage.orders.byClientOrderId(send!.clientOrderId)).toMatchObject({ status: 'filled', exchangeOrderId: 'x1' });
    expect((await t.storage.fills.byOrder(send!.clientOrderId)).map((f) => f.tradeId)).toEqual(['tr1']);
    expect(str(await t.storage.positions.get(SYMBOL))).toBe('0.001996');
    expect(t.core.position(SYMBOL).baseQty.toString()).toBe('0.001996');
    expect(t.errors).toEqual([]);
  });

  it('while the answer is on its way the core counts the order: the next buy signal sends nothing', async () => {
    const t = setup();
    t.candle('buy');
    await t.sent(1);
    t.candle('buy');
    t.candle('buy');
    expect(t.broker.sends).toHaveLength(1);
    expect(t.facts.filter((f) => f.kind === 'refused').map((f) => (f.kind === 'refused' ? f.reason : ''))).toEqual([
      expect.stringMatching(/is not settled yet$/),
      expect.stringMatching(/is not settled yet$/),
    ]);
    t.broker.sends[0]!.answer.resolve(filled(t.broker.sends[0]!.clientOrderId, '0.002'));
    await t.driver.idle();
  });

  it('a broker that throws leaves the order in flight, stored as such, and it is never sent again', async () => {
    const t = setup();
    t.broker.throwNext = true;
    t.candle('buy');
    await t.driver.idle();
    const coid = t.broker.sends[0]!.clientOrderId;
    expect(t.core.order(coid)?.status).toBe('in_flight');
    expect((await t.storage.orders.byClientOrderId(coid))?.status).toBe('in_flight');
    t.candle('buy');
    t.candle('buy');
    await t.driver.idle();
    expect(t.broker.sends).toHaveLength(1);
  });

  it('a key already taken in the store (a restart inside the bucket) sends nothing: the core hears a refusal', async () => {
    const t = setup();
    // The key the next candle's buy will take, reserved by an earlier life of the bot.
    const bucket = Math.floor((T0 + TF) / TF);
    await t.storage.idempotency.reserve(`${SYMBOL}:buy:${bucket}`, 3_600_000, 'before-restart');
    t.candle('buy');
    await t.driver.idle();
    expect(t.broker.sends).toHaveLength(0);
    expect(t.core.unsettled(SYMBOL)).toEqual([]);
    expect(t.facts).toContainEqual(expect.objectContaining({ kind: 'order', error: expect.stringMatching(/key BTC\/USDT:buy:\d+ is taken/) }));
  });
});

function str(p: { baseQty: Decimal } | null): string {
  return p ? p.baseQty.toString() : 'none';
}
