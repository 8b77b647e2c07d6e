import { dec, ok, str, ZERO, type Decimal } from '@cab/domain';
import { anInstrument, FakeClock, SequentialIds } from '@cab/domain/testing';
import { InProcessEventBus } from '../events/in-process-event-bus';
import type { Broker, BrokerResult, OrderDTO, OrderRef } from '../ports/broker';
import type { MarketData } from '../ports/market-data';
import { noopLogger } from '../ports/logger';
import type { OrchestratorControl, OrchestratorStatus } from '../orchestrator/types';
import type { PipelineDeps } from '../pipeline/deps';
import { TradingStateController } from '../pipeline/trading-state';
import { InMemoryDeadLetterSink, InMemoryStorage, RecordingMetrics } from '../testing';
import { InstrumentCache } from '../use-cases/instruments';
import { OrderSettler } from '../use-cases/order-settler';
import { PlaceOrder } from '../use-cases/place-order';
import { OperatorControl } from './operator-control';
import type { ControlActor } from './trading-control';
import { TEST_VENUE_CAPABILITIES } from '../testing/venue-capabilities';

const SYMBOL = 'BTC/USDT';
const inst = anInstrument({ symbol: SYMBOL, amountStep: '0.000001', minBase: '0.00001', minNotional: '3' });
const alice: ControlActor = { via: 'dashboard', who: 'alice' };

/** A venue that fills market sells at 50,000 and keeps open orders it was told about; records what it was asked. */
class ScriptedVenue implements Broker {
  readonly name = 'scripted';
  readonly capabilities = TEST_VENUE_CAPABILITIES;
  readonly sells: Decimal[] = [];
  readonly open = new Map<string, OrderDTO>();
  cancelAllCalls = 0;
  freeBase: Decimal = dec('1');
  constructor(private readonly clock: FakeClock) {}
  async instrument() {
    return ok(inst);
  }
  async fetchTicker(): Promise<never> {
    throw new Error('not used');
  }
  async fetchOrderBook(): Promise<never> {
    throw new Error('not used');
  }
  async fetchBalance(symbol: string) {
    return ok({ symbol, base: 'BTC', quote: 'USDT', freeBase: this.freeBase, freeQuote: dec('1000'), usedBase: ZERO, usedQuote: ZERO });
  }
  async createMarketBuyQuote(): Promise<never> {
    throw new Error('not used');
  }
  async createMarketSellBase(symbol: string, amount: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    this.sells.push(amount);
    const ts = this.clock.now();
    const cost = amount.times('50000');
    const fee = cost.times('0.002');
    return ok({
      id: `v-${this.sells.length}`,
      clientOrderId,
      symbol,
      side: 'sell',
      type: 'market',
      status: 'closed',
      requestedQuote: null,
      requestedBase: amount,
      filledBase: amount,
      filledQuote: cost,
      averagePrice: dec('50000'),
      fee,
      feeCurrency: 'USDT',
      createdAt: ts,
      updatedAt: ts,
      fills: [
        { id: `f-${this.sells.length}`, orderId: `v-${this.sells.length}`, ts, side: 'sell', price: dec('50000'), amount, cost, fee, feeCurrency: 'USDT' },
      ],
    });
  }
  async fetchOrder(_symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    const id = 'clientOrderId' in ref ? ref.clientOrderId : ref.id;
    const o = this.open.get(id) ?? this.cancelled.get(id);
    return o ? ok(o) : { ok: false, error: { kind: 'rejected', code: 'ORDER_NOT_FOUND', message: id } };
  }
  readonly cancelled = new Map<string, OrderDTO>();
  async fetchOpenOrders() {
    return ok([...this.open.values()]);
  }
  async fetchMyTrades() {
    return ok([]);
  }
  /** Cancels the one order named (by venue id or client id); a finished one answers as it is, as Gate's ORDER_CLOSED read back does. */
  async cancelOrder(_symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    this.cancelCalls.push(ref);
    const hit = [...this.open.values()].find((o) => ('id' in ref ? o.id === ref.id : o.clientOrderId === ref.clientOrderId));
    if (hit) {
      const done = { ...hit, status: 'canceled' as const };
      this.open.delete(hit.clientOrderId ?? hit.id);
      this.cancelled.set(hit.clientOrderId ?? hit.id, done);
      return ok(done);
    }
    const finished = [...this.cancelled.values()].find((o) => ('id' in ref ? o.id === ref.id : o.clientOrderId === ref.clientOrderId));
    return finished ? ok(finished) : { ok: false, error: { kind: 'rejected', code: 'ORDER_NOT_FOUND', message: JSON.stringify(ref) } };
  }
  readonly cancelCalls: OrderRef[] = [];
  async cancelAllOrders() {
    this.cancelAllCalls++;
    const done = [...this.open.values()].map((o) => ({ ...o, status: 'canceled' as const }));
    for (const o of done) this.cancelled.set(o.clientOrderId ?? o.id, o);
    this.open.clear();
    return ok(done);
  }
  async close() {}
}

const market: MarketData = {
  name: 'fixed',
  timeframeMs: () => 60_000,
  candles: async () => ok([]),
  ticker: async (symbol) => ok({ symbol, bid: dec('50000'), ask: dec('50001'), last: dec('50000'), ts: 0 }),
};

function harness() {
  const clock = new FakeClock();
  const storage = new InMemoryStorage(clock);
  const bus = new InProcessEventBus({ clock, ids: new SequentialIds('e-'), deadLetters: new InMemoryDeadLetterSink() });
  const broker = new ScriptedVenue(clock);
  const metrics = new RecordingMetrics();
  const deps: PipelineDeps = { broker, marketData: market, stores: storage, bus, clock, ids: new SequentialIds('c-'), logger: noopLogger, metrics };
  const trading = new TradingStateController({ bus, audit: storage.audit, clock, logger: noopLogger, metrics, store: storage.safety });
  const instruments = new InstrumentCache(broker);
  const settler = new OrderSettler(deps);
  const placeOrder = new PlaceOrder(deps, { idempotencyTtlMs: 3_600_000, instruments, settler });
  const calls: string[] = [];
  const orchestrator: OrchestratorControl = {
    start: async () => void calls.push('start'),
    stop: async () => void calls.push('stop'),
    status: () => ({ symbols: [SYMBOL], trading: trading.state(), haltReasons: trading.reasons() }) as unknown as OrchestratorStatus,
    resume: (r) => trading.resume(r),
    halt: (r) => trading.halt('OPERATOR', r),
  };
  const control = new OperatorControl(deps, { orchestrator, trading, placeOrder, instruments, settler, bucketMs: 60_000 });
  return { clock, storage, broker, trading, control, calls, bus };
}

async function holding(storage: InMemoryStorage, base: string, openedAt: number | null = 1): Promise<void> {
  await storage.positions.save({
    symbol: SYMBOL,
    baseQty: dec(base),
    avgEntry: dec('40000'),
    realizedPnl: ZERO,
    feesQuote: ZERO,
    peakPrice: null,
    stopPrice: dec('38000'),
    trailingStopPrice: null,
    trailingActive: false,
    openedAt,
    updatedAt: 1,
    version: 0,
  });
}

const systemEntries = async (storage: InMemoryStorage) => (await storage.audit.find({ kind: 'system' })).reverse();

describe('OperatorControl', () => {
  it('start and stop drive the orchestrator and are audited with the actor', async () => {
    const h = harness();
    expect((await h.control.start(alice)).ok).toBe(true);
    expect((await h.control.stop({ via: 'telegram', who: '4242' })).ok).toBe(true);
    expect(h.calls).toEqual(['start', 'stop']);
    const audit = await systemEntries(h.storage);
    expect(audit.map((a) => a.data['actor'])).toEqual([
      { via: 'dashboard', who: 'alice' },
      { via: 'telegram', who: '4242' },
    ]);
    expect(audit.map((a) => a.data['action'])).toEqual(['start', 'stop']);
  });

  it('stop entries is a persisted operator halt at level reducing; resume clears the operator halts and keeps a reconcile halt', async () => {
    const h = harness();
    await h.trading.halt('RECONCILE.MISMATCH', 'drift');
    await h.trading.clear('RECONCILE.MISMATCH', 'spec');
    expect((await h.control.stopEntries(alice, 'news at 14:00')).ok).toBe(true);
    expect(h.trading.state()).toBe('reducing');
    expect(await h.storage.safety.halts()).toEqual([
      expect.objectContaining({ code: 'OPERATOR.ENTRIES', level: 'reducing', reason: expect.stringContaining('alice') }),
    ]);

    await h.trading.halt('RECONCILE.MISMATCH', 'drift');
    await h.trading.halt('OPERATOR', 'maintenance');
    expect((await h.control.resume(alice)).ok).toBe(true);
    expect(h.trading.list().map((x) => x.code)).toEqual(['RECONCILE.MISMATCH']);
    const resume = (await systemEntries(h.storage)).find((a) => a.data['action'] === 'resume');
    expect(resume?.data['cleared']).toEqual(['OPERATOR', 'OPERATOR.ENTRIES']);
  });

  it('force exit sells the whole position through PlaceOrder with the operator in the reason; the position is flat after', async () => {
    const h = harness();
    const completed: string[] = [];
    h.bus.subscribe('trade.completed', 'spec', (e) => void completed.push(`${e.side} ${e.reason}`));
    await holding(h.storage, '0.0123456789');
    h.broker.freeBase = dec('0.02');
    const r = await h.control.forceExit(alice, SYMBOL);
    // The operator's decision, not a stop: alerts and the journal say "manual".
    expect(completed).toEqual(['sell manual']);
    expect(r).toEqual({ ok: true, value: { symbol: SYMBOL, clientOrderId: expect.any(String), status: 'filled', qty: '0.012345' } });
    expect(h.broker.sells.map(str)).toEqual(['0.012345']);
    const order = await h.storage.orders.byClientOrderId(r.ok ? r.value.clientOrderId : '');
    expect(order?.reason).toBe('exit FORCE: operator dashboard alice');
    expect(str((await h.storage.positions.get(SYMBOL))!.baseQty)).toBe('0.0000006789');
    expect((await h.storage.positions.get(SYMBOL))!.openedAt).toBeNull();

    // Nothing left to exit: refused, audited as refused, nothing sent.
    const again = await h.control.forceExit(alice, SYMBOL);
    expect(again).toEqual({ ok: false, error: { code: 'CONTROL.NO_POSITION', message: expect.any(String) } });
    expect(h.broker.sells).toHaveLength(1);
    const audit = (await systemEntries(h.storage)).filter((a) => a.data['action'] === 'force exit');
    expect(audit.map((a) => a.data['ok'])).toEqual([true, false]);
    expect(audit[0]!.data['outcome']).toEqual(expect.objectContaining({ qty: '0.012345', status: 'filled' }));
  });

  it('force exit sells no more than the free base (the buy fee came out of it) and refuses an unknown symbol', async () => {
    const h = harness();
    await holding(h.storage, '0.01');
    h.broker.freeBase = dec('0.00998');
    expect((await h.control.forceExit(alice, 'ETH/USDT')).ok).toBe(false);
    const r = await h.control.forceExit(alice, SYMBOL);
    expect(r.ok && r.value.qty).toBe('0.00998');
  });

  it('cancel cancels the open order at the venue and settles it as canceled; unknown and settled orders are refused', async () => {
    const h = harness();
    const ts = h.clock.now();
    await h.storage.orders.insert({
      clientOrderId: 't-open',
      exchange: 'scripted',
      exchangeOrderId: 'v-9',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      requestedQuote: dec('25'),
      requestedBase: null,
      status: 'submitted',
      filledBase: ZERO,
      filledQuote: ZERO,
      averagePrice: null,
      fee: ZERO,
      feeCurrency: null,
      idempotencyKey: 'k',
      reason: 'signal: x',
      createdAt: ts,
      updatedAt: ts,
    });
    const dto: OrderDTO = {
      id: 'v-9',
      clientOrderId: 't-open',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      status: 'open',
      requestedQuote: dec('25'),
      requestedBase: null,
      filledBase: ZERO,
      filledQuote: ZERO,
      averagePrice: null,
      fee: ZERO,
      feeCurrency: null,
      createdAt: ts,
      updatedAt: ts,
      fills: [],
    };
    h.broker.open.set('t-open', dto);
    h.broker.open.set('t-foreign', { ...dto, id: 'v-10', clientOrderId: 't-foreign' });
    // Another open order on the pair: only the one named is cancelled, by its venue id.
    expect(await h.control.cancelOrder(alice, 't-open')).toEqual({ ok: true, value: { clientOrderId: 't-open', status: 'canceled' } });
    expect(h.broker.cancelCalls).toEqual([{ id: 'v-9' }]);
    expect(h.broker.cancelAllCalls).toBe(0);
    expect([...h.broker.open.keys()]).toEqual(['t-foreign']);
    expect((await h.storage.orders.byClientOrderId('t-open'))?.status).toBe('canceled');

    expect(await h.control.cancelOrder(alice, 't-open')).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONTROL.NOT_OPEN' }) });
    expect(await h.control.cancelOrder(alice, 't-nope')).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONTROL.UNKNOWN_ORDER' }) });
    const audit = (await systemEntries(h.storage)).filter((a) => a.data['action'] === 'cancel');
    expect(audit.map((a) => [a.data['clientOrderId'], a.data['ok']])).toEqual([
      ['t-open', true],
      ['t-open', false],
      ['t-nope', false],
    ]);
  });

  it('cancel that comes too late settles what the venue says: the order filled, and the books record the fill', async () => {
    const h = harness();
    const ts = h.clock.now();
    await h.storage.orders.insert({
      clientOrderId: 't-late',
      exchange: 'scripted',
      exchangeOrderId: null,
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      requestedQuote: dec('25'),
      requestedBase: null,
      status: 'in_flight',
      filledBase: ZERO,
      filledQuote: ZERO,
      averagePrice: null,
      fee: ZERO,
      feeCurrency: null,
      idempotencyKey: 'k-late',
      reason: 'signal: x',
      createdAt: ts,
      updatedAt: ts,
    });
    const fill = {
      id: 'f-late',
      orderId: 'v-11',
      ts,
      side: 'buy' as const,
      price: dec('50000'),
      amount: dec('0.0005'),
      cost: dec('25'),
      fee: dec('0.000001'),
      feeCurrency: 'BTC',
    };
    h.broker.cancelled.set('t-late', {
      id: 'v-11',
      clientOrderId: 't-late',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      status: 'closed',
      requestedQuote: dec('25'),
      requestedBase: null,
      filledBase: dec('0.0005'),
      filledQuote: dec('25'),
      averagePrice: dec('50000'),
      fee: dec('0.000001'),
      feeCurrency: 'BTC',
      createdAt: ts,
      updatedAt: ts,
      fills: [fill],
    });
    // No venue id known yet (in flight): the cancel names it by client order id.
    expect(await h.control.cancelOrder(alice, 't-late')).toEqual({ ok: true, value: { clientOrderId: 't-late', status: 'filled' } });
    expect(h.broker.cancelCalls).toEqual([{ clientOrderId: 't-late' }]);
    const saved = await h.storage.orders.byClientOrderId('t-late');
    expect(saved?.status).toBe('filled');
    expect(str(saved!.filledBase)).toBe('0.0005');
    expect(str((await h.storage.positions.get(SYMBOL))!.baseQty)).toBe('0.000499');
  });
});
