import { dec, ZERO, type Decimal } from '@cab/domain';
import type { OrderDTO } from '../ports/broker';
import { FakeClock, SequentialIds, T0 } from '@cab/domain/testing';
import { InProcessEventBus } from '../events/in-process-event-bus';
import { subscribeAll } from '../events/subscribe-all';
import type { AuditEntry } from '../ports/audit-log';
import {
  aCoreWithDriver,
  FakeVenueView,
  InMemoryDeadLetterSink,
  InMemoryStorage,
  marketOrderAnswer,
  RecordingLogger,
  RecordingMetrics,
  SlowBroker,
  SYMBOL,
} from '../testing';
import { CorePublisher } from './core-publisher';
import type { RequestReconcileCommand } from './core-commands';

/** The venue's word: `base` traded whole at 50,000, fee 0.2 % (in base on a buy, in quote on a sell). */
const filledDto = (clientOrderId: string, side: 'buy' | 'sell', base: Decimal, tradeId: string, ts: number): OrderDTO =>
  marketOrderAnswer({ id: `x-${tradeId}`, clientOrderId, side, trades: [{ id: tradeId, base, price: '50000' }], ts });

/**
 * One life of the bot on the shared store: its own core, driver and broker, as a new process would
 * have. `view` is the venue as the driver last read it; the spec moves its base balance as the fake venue fills.
 */
function life(storage: InMemoryStorage, clock: FakeClock, view: FakeVenueView, maxOrdersPerHour = 0) {
  const broker = new SlowBroker();
  const reconciles: RequestReconcileCommand[] = [];
  const bot = aCoreWithDriver({
    clock,
    venue: view,
    risk: { maxOrdersPerHour },
    broker,
    stores: storage,
    reconcile: (c) => reconciles.push(c),
    notFoundGraceMs: 60_000,
  });
  return { ...bot, broker, reconciles };
}

/**
 * Until every store write and send the last events started has run (the in-memory store answers
 * in microtasks; a macrotask comes after them all). Not `idle()`: a send that should not have
 * happened would keep it waiting for an answer that never comes, and the spec would time out
 * instead of failing on the count.
 */
const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A first life that bought 0.002 BTC (a fill answered and stored), then stopped entries. */
async function boughtAndStoppedEntries(storage: InMemoryStorage, clock: FakeClock, view: FakeVenueView) {
  const first = life(storage, clock, view);
  first.candle('buy');
  await first.broker.sent(1);
  const buy = first.broker.sends[0]!;
  buy.answer.resolve({ ok: true, value: filledDto(buy.clientOrderId, 'buy', dec('0.002'), 'tr-buy', clock.now()) });
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
    const view = new FakeVenueView();
    const first = await boughtAndStoppedEntries(storage, clock, view);
    first.candle('sell');
    await first.broker.sent(2);
    const sell = first.broker.sends[1]!;
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
    const view = new FakeVenueView();
    const first = await boughtAndStoppedEntries(storage, clock, view);
    first.candle('sell');
    await first.broker.sent(2);
    const sell = first.broker.sends[1]!.clientOrderId;

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
    await second.broker.sent(1);
    expect(second.broker.sends[0]!).toMatchObject({ side: 'sell' });
    expect(second.broker.sends[0]!.clientOrderId).not.toBe(sell);
  });

  it('the risk ledger is replayed from the stored orders: the orders of the last hour still count after a restart', async () => {
    const clock = new FakeClock(T0);
    const storage = new InMemoryStorage(clock);
    const view = new FakeVenueView();
    const first = life(storage, clock, view, 2);
    first.candle('buy');
    await first.broker.sent(1);
    const buy = first.broker.sends[0]!;
    first.broker.sends[0]!.answer.resolve({ ok: true, value: filledDto(buy.clientOrderId, 'buy', dec('0.002'), 'tr-1', clock.now()) });
    await first.driver.idle();
    view.freeBase = first.core.position(SYMBOL).baseQty;
    first.candle('sell');
    await first.broker.sent(2);
    const sell = first.broker.sends[1]!;
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

  it("after a restart an order is published from where the books held it: the same answer again says nothing, its fill is journalled once ('partial → filled')", async () => {
    const clock = new FakeClock(T0);
    const storage = new InMemoryStorage(clock);
    const view = new FakeVenueView();
    const first = life(storage, clock, view);
    first.candle('buy');
    await first.broker.sent(1);
    const buy = first.broker.sends[0]!;
    const answer = (trades: { id: string; base: string; price: string }[], status: OrderDTO['status']) =>
      marketOrderAnswer({ id: 'x-open', clientOrderId: buy.clientOrderId, trades, status, requestedQuote: dec('100'), ts: clock.now() });
    const half = [{ id: 'tr-1', base: '0.001', price: '50000' }];
    buy.answer.resolve({ ok: true, value: answer(half, 'open') });
    await first.driver.idle();
    expect(first.core.order(buy.clientOrderId)?.status).toBe('partial');

    // A new process: its publisher has seen nothing of the order; the facts say what the books held.
    const second = life(storage, clock, view);
    const bus = new InProcessEventBus({ clock, ids: new SequentialIds('e-'), deadLetters: new InMemoryDeadLetterSink() });
    const topics: string[] = [];
    subscribeAll(bus, 'spec', (_e, topic) => void topics.push(topic));
    const logger = new RecordingLogger();
    const audit: AuditEntry[] = [];
    const publisher = new CorePublisher({ audit: { recordAll: async (e) => void audit.push(...e) }, bus, metrics: new RecordingMetrics(), logger, clock });
    await second.driver.recover(storage);
    const report = (dto: OrderDTO) =>
      second.driver.enqueue({
        kind: 'reconcile-report',
        requestedAtSeq: second.core.seq,
        symbols: [{ symbol: SYMBOL, openOrders: [], observed: [dto], notFound: [], balance: view.balance() }],
      });
    report(answer(half, 'open'));
    await second.driver.idle();
    report(answer([...half, { id: 'tr-2', base: '0.001', price: '50000' }], 'closed'));
    await second.driver.idle();
    for (const fact of second.facts) publisher.publish(fact);
    await publisher.flushed();
    await bus.drain();

    const orderFacts = second.facts.filter((f) => f.kind === 'order');
    expect(orderFacts.map((f) => (f.kind === 'order' ? `${f.before.status} → ${f.order.status}` : ''))).toEqual(['partial → partial', 'partial → filled']);
    expect(topics.filter((t) => t.startsWith('order.') || t.startsWith('trade.'))).toEqual(['order.filled', 'trade.completed']);
    expect(audit.filter((a) => a.kind === 'order').map((a) => a.summary)).toEqual([`buy ${buy.clientOrderId} partial → filled (filled 0.002 base, 100 quote)`]);
    expect(logger.entries.filter((e) => e.msg === 'fill').map((e) => e.fields?.['amount'])).toEqual(['0.001']);
  });

  it('restores only into a core that has handled nothing', async () => {
    const clock = new FakeClock(T0);
    const storage = new InMemoryStorage(clock);
    const t = life(storage, clock, new FakeVenueView());
    t.candle('hold');
    await expect(t.driver.recover(storage)).rejects.toThrow(/handled no event/);
  });
});
