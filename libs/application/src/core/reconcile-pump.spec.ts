import { dec, ZERO } from '@cab/domain';
import { FakeClock, T0 } from '@cab/domain/testing';
import type { BalanceDTO, BrokerResult, FillDTO, OrderDTO, OrderRef } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import { aCoreWithDriver, deferred, InMemoryStorage, marketOrderAnswer, SlowBroker, SYMBOL, TEST_VENUE_CAPABILITIES, type Deferred } from '../testing';
import type { CoreEvent, ReconcileReportEvent } from './core-events';
import type { EdgeStatus } from './edge-status';
import { ReconcilePump } from './reconcile-pump';

const notFound: BrokerResult<OrderDTO> = { ok: false, error: { kind: 'rejected', code: 'ORDER_NOT_FOUND', message: 'no such order' } };
const timeout: BrokerResult<never> = { ok: false, error: { kind: 'ambiguous', code: 'NETWORK.TIMEOUT', message: 'timed out' } };

function balance(base: string): BalanceDTO {
  return { symbol: SYMBOL, base: 'BTC', quote: 'USDT', freeBase: dec(base), usedBase: ZERO, freeQuote: dec('10000'), usedQuote: ZERO };
}

/** A buy of `filledBase` filled whole at 50,000 (fee 0.2 % in base). */
const dto = (clientOrderId: string, filledBase: string): OrderDTO =>
  marketOrderAnswer({
    id: `x-${clientOrderId}`,
    clientOrderId,
    trades: [{ id: `tr-${clientOrderId}`, base: filledBase, price: '50000' }],
    requestedQuote: dec('100'),
  });

/** The venue's reads, each answered when the spec says (a Deferred per call), so the core can move while they are out. */
class SlowVenueReads {
  readonly capabilities = TEST_VENUE_CAPABILITIES;
  readonly calls: { what: string; answer: Deferred<BrokerResult<unknown>> }[] = [];
  fetchOpenOrders(): Promise<BrokerResult<OrderDTO[]>> {
    return this.call('open') as Promise<BrokerResult<OrderDTO[]>>;
  }
  fetchOrder(_symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    return this.call(`order ${'clientOrderId' in ref ? ref.clientOrderId : ref.id}`) as Promise<BrokerResult<OrderDTO>>;
  }
  fetchBalance(): Promise<BrokerResult<BalanceDTO>> {
    return this.call('balance') as Promise<BrokerResult<BalanceDTO>>;
  }
  fetchMyTrades(): Promise<BrokerResult<FillDTO[]>> {
    return this.call('trades') as Promise<BrokerResult<FillDTO[]>>;
  }
  /** Answers the next call, once it has been made. */
  async answer(what: string, result: BrokerResult<unknown>): Promise<void> {
    for (;;) {
      const c = this.calls.find((x) => x.what.startsWith(what));
      if (c) {
        this.calls.splice(this.calls.indexOf(c), 1);
        return c.answer.resolve(result);
      }
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  private call(what: string): Promise<BrokerResult<unknown>> {
    const answer = deferred<BrokerResult<unknown>>();
    this.calls.push({ what, answer });
    return answer.promise;
  }
}

const record = (clientOrderId: string): OrderRecord => ({ clientOrderId, exchangeOrderId: null, createdAt: T0 }) as OrderRecord;
/** A stand-in for TradingCore.reconcileView: these orders unsettled, never reconciled, no exchange id known. */
const viewOf = (orders: () => OrderRecord[]) => () => ({ unsettled: orders(), tradesSince: null, knownExchangeIds: new Set<string>() });
const noTrades = { ok: true, value: [] } as const;

describe('ReconcilePump: the venue read, one ReconcileReport out', () => {
  it('stamps the report with the core’s sequence number at the request, and looks at the orders unsettled then', async () => {
    const reads = new SlowVenueReads();
    let unsettled = () => [record('a'), record('b'), record('c')];
    const core = { seq: 7, reconcileView: viewOf(() => unsettled()) };
    const events: CoreEvent[] = [];
    const statuses: EdgeStatus[] = [];
    const pump = new ReconcilePump({
      symbols: [SYMBOL],
      broker: reads,
      core,
      enqueue: (e) => events.push(e),
      onStatus: (s) => statuses.push(s),
      now: () => T0,
    });
    const pass = pump.request();
    // The core moves on while the reads are out: neither the stamp nor the list of looks follows it.
    core.seq = 9;
    unsettled = () => [];
    await reads.answer('open', { ok: true, value: [] });
    await reads.answer('order a', { ok: true, value: dto('a', '0.002') });
    await reads.answer('order b', notFound);
    await reads.answer('order c', timeout);
    await reads.answer('trades', noTrades);
    await reads.answer('balance', { ok: true, value: balance('0.002') });
    await pass;
    const report = events[0] as ReconcileReportEvent;
    expect(report.requestedAtSeq).toBe(7);
    expect(report.symbols[0]).toMatchObject({ openOrders: [], notFound: ['b'], balance: { freeBase: dec('0.002') } });
    expect(report.symbols[0]!.observed.map((o) => o.clientOrderId)).toEqual(['a']);
    expect(statuses).toEqual([
      expect.objectContaining({ source: 'reconcile', state: 'unavailable', detail: expect.stringMatching(/order c: NETWORK.TIMEOUT/) }),
    ]);
  });

  it('without the venue’s open orders a “not found” proves nothing; an unread balance is null', async () => {
    const reads = new SlowVenueReads();
    const events: CoreEvent[] = [];
    const pump = new ReconcilePump({
      symbols: [SYMBOL],
      broker: reads,
      core: { seq: 1, reconcileView: viewOf(() => [record('b')]) },
      enqueue: (e) => events.push(e),
      now: () => T0,
    });
    const pass = pump.request();
    await reads.answer('open', timeout);
    await reads.answer('order b', notFound);
    await reads.answer('trades', noTrades);
    await reads.answer('balance', timeout);
    await pass;
    expect((events[0] as ReconcileReportEvent).symbols[0]).toMatchObject({ notFound: [], balance: null });
  });

  it('with the EventDriver: a settlement while the reads are out is newer than the report, so its older balance halts nothing', async () => {
    const clock = new FakeClock(T0);
    const storage = new InMemoryStorage(clock);
    const reads = new SlowVenueReads();
    const broker = new SlowBroker();
    const passes: Promise<void>[] = [];
    const { core, driver, candle, facts } = aCoreWithDriver({
      clock,
      broker,
      stores: storage,
      reconcile: (c) => passes.push(pump.request(c.requestedAtSeq)),
    });
    const pump = new ReconcilePump({ symbols: [SYMBOL], broker: reads, core, enqueue: (e) => driver.enqueue(e), now: () => clock.now() });
    await driver.recover(storage);
    expect(passes).toHaveLength(1);
    // The start-up pass: nothing of ours anywhere, the books agree.
    await reads.answer('open', { ok: true, value: [] });
    await reads.answer('trades', noTrades);
    await reads.answer('balance', { ok: true, value: balance('0') });
    await passes[0];
    candle('buy');
    while (broker.sends.length === 0) await new Promise<void>((r) => setImmediate(r));
    // A pass asked now (before the send's answer) reads a balance without the fill…
    const seqAtRequest = core.seq;
    const pass = pump.request();
    await reads.answer('open', { ok: true, value: [] });
    await reads.answer('order', notFound);
    await reads.answer('trades', noTrades);
    // …while the answer comes back and the core settles the buy.
    broker.sends[0]!.answer.resolve({ ok: true, value: dto(broker.sends[0]!.clientOrderId, '0.002') });
    while (core.position(SYMBOL).baseQty.eq(ZERO)) await new Promise<void>((r) => setImmediate(r));
    await reads.answer('balance', { ok: true, value: balance('0') });
    await pass;
    await driver.idle();
    expect(core.seq).toBeGreaterThan(seqAtRequest + 1);
    expect(core.position(SYMBOL).baseQty.toString()).toBe('0.001996');
    expect(core.halts.has('RECONCILE.MISMATCH')).toBe(false);
    expect(facts.filter((f) => f.kind === 'mismatch')).toEqual([]);
    // The same balance in a report asked after the settlement is compared: the venue holds less than the position.
    const later = pump.request();
    await reads.answer('open', { ok: true, value: [] });
    await reads.answer('trades', noTrades);
    await reads.answer('balance', { ok: true, value: balance('0') });
    await later;
    expect(core.halts.has('RECONCILE.MISMATCH')).toBe(true);
    await driver.idle();
  });
});
