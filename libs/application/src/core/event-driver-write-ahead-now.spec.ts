import { dec, type Decimal } from '@cab/domain';
import { FakeClock, T0 } from '@cab/domain/testing';
import { ok, type BrokerResult, type OrderDTO } from '../ports/broker';
import { unitOfWorkWriteAhead, type OrderWriteAhead, type WriteAheadResult } from '../ports/order-write-ahead';
import type { OrderRecord } from '../ports/orders-repository';
import type { UnitOfWork } from '../ports/unit-of-work';
import { aCoreWithDriver, deferred, FakeVenueView, InMemoryStorage, marketOrderAnswer, SYMBOL, TF, type Deferred } from '../testing';

// EventDriver with a store that can write ahead at once (OrderWriteAhead.writeAheadNow, SQLite's
// order intent log; docs/core.md, "The write-ahead"): the send follows the decision in the same
// step when no store write is in flight, and waits behind the writes otherwise.

/** What happened, in the order it happened: write-aheads, sends, Persists. */
type Events = string[];

/** A broker that notes each send the moment it is asked (not after an await) and answers when the test says. */
class Broker {
  readonly answers = new Map<string, Deferred<BrokerResult<OrderDTO>>>();
  constructor(private readonly events: Events) {}
  createMarketBuyQuote(_symbol: string, _quote: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.send(clientOrderId);
  }
  createMarketSellBase(_symbol: string, _base: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.send(clientOrderId);
  }
  private send(clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    this.events.push(`send ${clientOrderId}`);
    const answer = deferred<BrokerResult<OrderDTO>>();
    this.answers.set(clientOrderId, answer);
    return answer.promise;
  }
}

/**
 * A store whose write-ahead can be done at once, as SQLite's intent log does it: the refusal decided
 * in memory, the row and key handed to the in-memory store's unit of work in the same step (its
 * queue keeps them ahead of any later write). `next` says what the next `writeAheadNow` does.
 */
class ImmediateWriteAhead implements OrderWriteAhead {
  next: 'write' | 'throw' | 'null' | WriteAheadResult = 'write';
  private readonly inner: OrderWriteAhead;
  constructor(
    storage: InMemoryStorage,
    private readonly events: Events,
  ) {
    this.inner = unitOfWorkWriteAhead(storage.unitOfWork);
  }
  writeAheadNow(order: OrderRecord, ttlMs: number): WriteAheadResult | null {
    const next = this.next;
    this.next = 'write';
    this.events.push(`now ${order.clientOrderId}`);
    if (next === 'throw') throw new Error('the intent log could not be appended: ENOSPC');
    if (next === 'null') return null;
    if (next !== 'write') return next;
    this.inner.writeAhead(order, ttlMs).then(
      (r) => this.events.push(`stored ${order.clientOrderId} ${r.ok ? 'ok' : r.code}`),
      (e: unknown) => this.events.push(`store failed ${String(e)}`),
    );
    return { ok: true };
  }
  async writeAhead(order: OrderRecord, ttlMs: number): Promise<WriteAheadResult> {
    this.events.push(`ahead ${order.clientOrderId}`);
    const r = await this.inner.writeAhead(order, ttlMs);
    this.events.push(`ahead done ${order.clientOrderId}`);
    return r;
  }
}

/** The venue's answer: `base` bought or sold whole at 50,001 (no fee). */
const filled = (clientOrderId: string, side: 'buy' | 'sell', base: string): BrokerResult<OrderDTO> =>
  ok(
    marketOrderAnswer({
      id: `x-${clientOrderId}`,
      clientOrderId,
      side,
      trades: [{ id: `t-${clientOrderId}`, base, price: '50001' }],
      feeRate: '0',
      feeCurrency: 'USDT',
      ...(side === 'buy' ? { requestedQuote: dec('100') } : {}),
    }),
  );

function setup() {
  const clock = new FakeClock(T0);
  const storage = new InMemoryStorage(clock);
  const events: Events = [];
  const broker = new Broker(events);
  const venue = new FakeVenueView();
  const writeAhead = new ImmediateWriteAhead(storage, events);
  /** While set, every unit of work waits for it (a Persist in flight). */
  let gate: Deferred<void> | null = null;
  const unitOfWork: UnitOfWork = {
    run: async (work) => {
      events.push('persist asked');
      if (gate) await gate.promise;
      const r = await storage.unitOfWork.run(work);
      events.push('persist done');
      return r;
    },
  };
  const bot = aCoreWithDriver({
    clock,
    venue,
    broker,
    stores: { unitOfWork, safety: storage.safety, writeAhead },
    // Exits 50 % away: none fires here, every sell is a signal's.
    exits: { stopPct: dec('0.5'), trailActivatePct: dec('0.5'), trailPct: dec('0.5') },
  });
  /**
   * Lets promise callbacks run, one event-loop turn at a time, until `cond` holds. Bounded in turns,
   * not time (the in-memory store needs a handful), so a condition that never comes fails with what
   * happened instead of spinning past jest's ceiling.
   */
  const until = async (cond: () => boolean): Promise<void> => {
    for (let turn = 0; !cond(); turn++) {
      if (turn > 10_000) throw new Error(`the condition never held; what happened: ${events.join(', ')}`);
      await new Promise((r) => setImmediate(r));
    }
  };
  const sends = (): string[] => events.filter((e) => e.startsWith('send ')).map((e) => e.slice(5));
  const orderErrors = (): string[] => bot.facts.flatMap((f) => (f.kind === 'order' && f.error !== undefined ? [f.error] : []));
  return {
    ...bot,
    storage,
    venue,
    broker,
    writeAhead,
    events,
    until,
    sends,
    orderErrors,
    hold: () => (gate = deferred<void>()),
    release: () => {
      gate?.resolve();
      gate = null;
    },
  };
}

describe('EventDriver with a store offering writeAheadNow', () => {
  it('nothing in flight: the write-ahead and the send happen before enqueue returns, and the answer is stored after the row', async () => {
    const t = setup();
    t.candle('buy');
    // Same synchronous step: no await between the decision, the write-ahead and the broker's call.
    expect(t.sends()).toHaveLength(1);
    const [id] = t.sends();
    expect(t.events).toEqual([`now ${id}`, `send ${id}`]);

    t.broker.answers.get(id!)!.resolve(filled(id!, 'buy', '0.002'));
    await t.driver.idle();
    // The row went in ahead of the Persist of its answer, which found it.
    expect(t.events.indexOf(`stored ${id} ok`)).toBeLessThan(t.events.lastIndexOf('persist done'));
    expect(await t.storage.orders.byClientOrderId(id!)).toMatchObject({ status: 'filled', exchangeOrderId: `x-${id}` });
    expect((await t.storage.idempotency.get(`${SYMBOL}:buy:${Math.floor((T0 + TF) / TF)}`))?.ref).toBe(id);
    expect(t.errors).toEqual([]);
    expect(t.orderErrors()).toEqual([]);
  });

  it('a Persist in flight: the order takes the async chain, written ahead and sent only after that Persist', async () => {
    const t = setup();
    t.candle('buy');
    const [buy] = t.sends();
    t.hold();
    t.broker.answers.get(buy!)!.resolve(filled(buy!, 'buy', '0.002'));
    t.venue.freeBase = dec('0.002');
    // The answer's Persist is asked and held.
    await t.until(() => t.events.includes('persist asked'));

    t.candle('sell');
    // Not in this step, and not while the Persist is held.
    expect(t.sends()).toEqual([buy]);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(t.sends()).toEqual([buy]);
    expect(t.events.filter((e) => e.startsWith('now '))).toEqual([`now ${buy}`]);
    expect(t.events.filter((e) => e.startsWith('ahead '))).toEqual([]);

    t.release();
    await t.until(() => t.sends().length === 2);
    const sell = t.sends()[1]!;
    expect(sell).not.toBe(buy);
    const at = (e: string): number => t.events.indexOf(e);
    // Ordered after the Persist: its write-ahead went through `writeAhead` (never writeAheadNow), then the send.
    expect(at(`now ${sell}`)).toBe(-1);
    expect(at('persist done')).toBeLessThan(at(`ahead ${sell}`));
    expect(at(`ahead done ${sell}`)).toBeLessThan(at(`send ${sell}`));

    t.broker.answers.get(sell)!.resolve(filled(sell, 'sell', '0.002'));
    await t.driver.idle();
    expect(await t.storage.orders.byClientOrderId(sell)).toMatchObject({ side: 'sell', status: 'filled' });
    expect(t.errors).toEqual([]);
    expect(t.orderErrors()).toEqual([]);
  });

  it('a writeAheadNow that throws sends nothing: the core hears ORDER.NOT_SENT and the next order goes out at once', async () => {
    const t = setup();
    t.writeAhead.next = 'throw';
    t.candle('buy');
    await t.driver.idle();
    expect(t.sends()).toEqual([]);
    expect(t.events.filter((e) => e.startsWith('ahead '))).toEqual([]);
    expect(t.orderErrors()).toEqual([expect.stringMatching(/^rejected ORDER\.NOT_SENT: not sent: the order row could not be written: .*ENOSPC/)]);
    expect(t.core.unsettled(SYMBOL)).toEqual([]);

    t.candle('buy');
    expect(t.sends()).toHaveLength(1);
    t.broker.answers.get(t.sends()[0]!)!.resolve(filled(t.sends()[0]!, 'buy', '0.002'));
    await t.driver.idle();
    expect(t.errors).toEqual([]);
  });

  it.each<[WriteAheadResult, RegExp]>([
    [{ ok: false, code: 'IDEMPOTENCY.TAKEN' }, /^rejected ORDER\.NOT_SENT: key BTC\/USDT:buy:\d+ is taken$/],
    [{ ok: false, code: 'ORDER.DUPLICATE' }, /^rejected ORDER\.NOT_SENT: order \S+ exists already$/],
  ])('a writeAheadNow that refuses (%o) sends nothing: the core hears ORDER.NOT_SENT', async (refusal, error) => {
    const t = setup();
    t.writeAhead.next = refusal;
    t.candle('buy');
    await t.driver.idle();
    expect(t.sends()).toEqual([]);
    expect(t.events.filter((e) => !e.startsWith('now '))).toEqual([]);
    expect(t.orderErrors()).toEqual([expect.stringMatching(error)]);
    expect(t.core.unsettled(SYMBOL)).toEqual([]);
  });

  it('null from writeAheadNow (cannot be done now): the order falls back to writeAhead, sent once that has written it', async () => {
    const t = setup();
    t.writeAhead.next = 'null';
    t.candle('buy');
    expect(t.sends()).toEqual([]);
    await t.until(() => t.sends().length === 1);
    const [id] = t.sends();
    expect(t.events).toEqual([`now ${id}`, `ahead ${id}`, `ahead done ${id}`, `send ${id}`]);
    expect(await t.storage.orders.byClientOrderId(id!)).toMatchObject({ status: 'new' });
    t.broker.answers.get(id!)!.resolve(filled(id!, 'buy', '0.002'));
    await t.driver.idle();
    expect(await t.storage.orders.byClientOrderId(id!)).toMatchObject({ status: 'filled' });
    expect(t.errors).toEqual([]);
  });
});
