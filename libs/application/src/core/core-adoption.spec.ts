import { dec, ZERO, type Decimal } from '@cab/domain';
import { FakeClock, T0 } from '@cab/domain/testing';
import type { BalanceDTO, BrokerResult, FillDTO, OrderDTO, OrderRef } from '../ports/broker';
import { aCoreWithDriver, FakeVenueView, InMemoryStorage, marketOrderAnswer, quoteAt, SYMBOL, TEST_VENUE_CAPABILITIES } from '../testing';
import type { CoreOutput } from './core-output';
import { ReconcilePump } from './reconcile-pump';
import { FIRST_TRADES_LOOKBACK_MS, TRADES_OVERLAP_MS } from './venue-lookups';

// Adoption of venue-only orders, per-symbol trade cursors and position repair on the core
// (docs/core.md, "Reconcile"): a real TradingCore, EventDriver and ReconcilePump on the in-memory
// store, against a fake venue that answers at once from its own books.

const MIN = 60_000;
const failed = (code: string): BrokerResult<never> => ({ ok: false, error: { kind: 'retryable', code, message: `${code} (spec)` } });
const notFound: BrokerResult<never> = { ok: false, error: { kind: 'rejected', code: 'ORDER_NOT_FOUND', message: 'no such order' } };

/** The venue: its orders and trades, the base balance, and which reads fail. */
class FakeVenue {
  readonly capabilities = TEST_VENUE_CAPABILITIES;
  readonly orders = new Map<string, OrderDTO>();
  readonly trades: FillDTO[] = [];
  base: Decimal = ZERO;
  tradesFail: string | null = null;
  /** The `since` of every trades read. */
  readonly tradeReads: number[] = [];
  private next = 0;

  /** An order that traded `base` at 50,000 now (fee 0.2 % in base on a buy), with its trade. */
  filled(clientOrderId: string | null, base: string, ts: number, side: 'buy' | 'sell' = 'buy'): OrderDTO {
    const id = `v-${++this.next}`;
    const o = marketOrderAnswer({ id, clientOrderId, side, trades: [{ id: `tr-${id}`, base, price: '50000' }], ts });
    const fill = o.fills[0]!;
    this.orders.set(id, o);
    this.trades.push(fill);
    this.base = side === 'buy' ? this.base.plus(fill.amount.minus(fill.fee)) : this.base.minus(fill.amount);
    return o;
  }

  /** A limit buy resting on the book, placed by hand (Gate's `text` "web"). */
  resting(ts: number): OrderDTO {
    const id = `v-${++this.next}`;
    const o: OrderDTO = {
      id,
      clientOrderId: 'web',
      symbol: SYMBOL,
      side: 'buy',
      type: 'limit',
      status: 'open',
      requestedQuote: null,
      requestedBase: dec('0.001'),
      filledBase: ZERO,
      filledQuote: ZERO,
      averagePrice: null,
      fee: ZERO,
      feeCurrency: null,
      createdAt: ts,
      updatedAt: ts,
      fills: [],
    };
    this.orders.set(id, o);
    return o;
  }

  /** The resting order fills whole now. */
  fill(id: string, ts: number): void {
    const o = this.orders.get(id)!;
    const b = o.requestedBase!;
    const fee = b.times('0.002');
    const fill: FillDTO = { id: `tr-${id}`, orderId: id, ts, side: 'buy', price: dec('40000'), amount: b, cost: b.times('40000'), fee, feeCurrency: 'BTC' };
    this.orders.set(id, {
      ...o,
      status: 'closed',
      filledBase: b,
      filledQuote: b.times('40000'),
      averagePrice: dec('40000'),
      fee,
      feeCurrency: 'BTC',
      updatedAt: ts,
      fills: [fill],
    });
    this.trades.push(fill);
    this.base = this.base.plus(b.minus(fee));
  }

  async fetchOpenOrders(): Promise<BrokerResult<OrderDTO[]>> {
    return { ok: true, value: [...this.orders.values()].filter((o) => o.status === 'open').map((o) => ({ ...o, fills: [] })) };
  }
  async fetchOrder(_symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    const o = 'id' in ref ? this.orders.get(ref.id) : [...this.orders.values()].find((x) => x.clientOrderId === ref.clientOrderId);
    return o ? { ok: true, value: o } : notFound;
  }
  async fetchMyTrades(_symbol: string, since?: number): Promise<BrokerResult<FillDTO[]>> {
    this.tradeReads.push(since ?? Number.NaN);
    if (this.tradesFail) return failed(this.tradesFail);
    return { ok: true, value: this.trades.filter((t) => t.ts >= (since ?? 0)) };
  }
  async fetchBalance(): Promise<BrokerResult<BalanceDTO>> {
    return { ok: true, value: { symbol: SYMBOL, base: 'BTC', quote: 'USDT', freeBase: this.base, usedBase: ZERO, freeQuote: dec('10000'), usedQuote: ZERO } };
  }
}

/** One life of the bot on the shared store and venue: its own core, driver and pump, as a new process would have. */
async function life(storage: InMemoryStorage, clock: FakeClock, venue: FakeVenue) {
  const passes: Promise<void>[] = [];
  /** The venue answers a send at once, as the market fills (its answer carries its trade unless `noFills`). */
  let noFills = false;
  const send = async (_s: string, quote: Decimal, coid: string) => {
    const o = venue.filled(coid, quote.div('50000').toFixed(6), clock.now());
    return { ok: true as const, value: noFills ? { ...o, fills: [] } : o };
  };
  const { core, next, driver, candle, facts, errors } = aCoreWithDriver({
    clock,
    venue: new FakeVenueView({ balanceUnknown: true }),
    exits: { stopPct: dec('0.05') },
    broker: { createMarketBuyQuote: send, createMarketSellBase: send },
    stores: storage,
    reconcile: (c) => passes.push(pump.request(c.requestedAtSeq)),
  });
  const pump = new ReconcilePump({
    symbols: [SYMBOL],
    broker: venue,
    core,
    enqueue: (e) => driver.enqueue(e),
    now: () => clock.now(),
    stored: async (id) => (await storage.orders.byExchangeOrderId('fake', id)) !== null,
  });
  await driver.recover(storage);
  await Promise.all(passes);
  await driver.idle();
  const pass = async (afterMs = 0): Promise<void> => {
    clock.advance(afterMs);
    await pump.request();
    await driver.idle();
  };
  const buy = async (): Promise<void> => {
    candle('buy');
    await driver.idle();
    next.action = 'hold';
  };
  /** A quote: the exits look at it (and keep their levels on the position). */
  const quote = async (): Promise<void> => {
    driver.enqueue({ kind: 'quote', symbol: SYMBOL, quote: quoteAt(clock.now()) });
    await driver.idle();
  };
  return { core, driver, facts, errors, pass, buy, quote, setNoFills: (v: boolean) => void (noFills = v) };
}

const kinds = (facts: CoreOutput[], kind: CoreOutput['kind']) => facts.filter((f) => f.kind === kind);

describe('core reconcile: adoption, trade cursors, position repair', () => {
  let clock: FakeClock;
  let storage: InMemoryStorage;
  let venue: FakeVenue;
  beforeEach(() => {
    clock = new FakeClock(T0);
    storage = new InMemoryStorage(clock);
    venue = new FakeVenue();
  });

  it('adopts an open order only the venue shows, tracks it (looked up by exchange id) until it fills, and the position follows once', async () => {
    const bot = await life(storage, clock, venue);
    const manual = venue.resting(clock.now());
    await bot.pass(MIN);
    const coid = `adopted-${manual.id}`;
    expect(await storage.orders.byClientOrderId(coid)).toMatchObject({
      exchangeOrderId: manual.id,
      status: 'submitted',
      idempotencyKey: null,
      reason: 'adopted: found only on the exchange',
    });
    expect(bot.core.unsettled(SYMBOL).map((o) => o.clientOrderId)).toEqual([coid]);
    expect(kinds(bot.facts, 'mismatch')).toEqual([
      expect.objectContaining({
        scope: 'order',
        subject: coid,
        expected: 'none',
        actual: 'open buy',
        detail: 'order found only on the exchange',
        halting: false,
      }),
    ]);
    expect(kinds(bot.facts, 'repaired')).toEqual([expect.objectContaining({ scope: 'order', subject: coid, action: `adopted buy ${manual.id}` })]);
    // A second pass while it rests adopts nothing again.
    await bot.pass(MIN);
    expect(kinds(bot.facts, 'mismatch')).toHaveLength(1);
    // Its client id ("web") is not ours: a lookup by client id would never find it; by exchange id it is found filled.
    venue.fill(manual.id, clock.now());
    await bot.pass(MIN);
    expect((await storage.orders.byClientOrderId(coid))?.status).toBe('filled');
    expect(bot.core.unsettled(SYMBOL)).toEqual([]);
    expect(await storage.fills.byOrder(coid)).toHaveLength(1);
    expect(bot.core.position(SYMBOL).baseQty.toString()).toBe(venue.base.toString());
    expect((await storage.positions.get(SYMBOL))?.baseQty.toString()).toBe(venue.base.toString());
    await bot.pass(MIN);
    expect(await storage.fills.byOrder(coid)).toHaveLength(1);
    expect(bot.core.halts.state()).toBe('active');
    expect(bot.errors).toEqual([]);
  });

  it('adopts a filled order found only behind a trade (a manual market buy), once: row, fill and position in the store', async () => {
    const bot = await life(storage, clock, venue);
    clock.advance(10 * MIN);
    const manual = venue.filled('t-manual', '0.002', clock.now());
    await bot.pass(MIN);
    await bot.pass(10 * MIN);
    const rows = await storage.orders.find({});
    expect(rows.map((o) => [o.clientOrderId, o.exchangeOrderId, o.status, o.idempotencyKey])).toEqual([['t-manual', manual.id, 'filled', null]]);
    expect((await storage.fills.byOrder('t-manual')).map((f) => f.tradeId)).toEqual([`tr-${manual.id}`]);
    expect((await storage.positions.get(SYMBOL))?.baseQty.toString()).toBe('0.001996');
    expect(bot.core.position(SYMBOL).baseQty.toString()).toBe('0.001996');
    expect(kinds(bot.facts, 'repaired')).toEqual([expect.objectContaining({ action: `adopted buy ${manual.id}` })]);
    expect(bot.core.halts.state()).toBe('active');
  });

  it('an adoption whose row the store refuses moves nothing; the cursor is held before its trade and a later pass adopts it', async () => {
    const bot = await life(storage, clock, venue);
    clock.advance(10 * MIN);
    const manual = venue.filled('t-manual', '0.002', clock.now());
    const tradeAt = clock.now();
    const uow = storage.unitOfWork;
    const run = uow.run.bind(uow);
    // The store refuses the adopted row (as a row it holds already would be): only this insert, inside the unit of work.
    uow.run = (work) =>
      run((tx) => {
        const insert: typeof tx.orders.insert = async (o) =>
          o.clientOrderId === 't-manual' ? { ok: false, code: 'ORDER.DUPLICATE_CLIENT_ID', message: 'refused (spec)' } : tx.orders.insert(o);
        const orders = new Proxy(tx.orders, { get: (t, k) => (k === 'insert' ? insert : (Reflect.get(t, k, t) as unknown)) });
        return work({ ...tx, orders });
      });
    await bot.pass(MIN);
    expect(await storage.orders.find({})).toEqual([]);
    expect(bot.core.unsettled(SYMBOL)).toEqual([]);
    expect(bot.core.position(SYMBOL).baseQty.toString()).toBe('0');
    expect(bot.errors).toEqual([expect.stringMatching(/adopted order t-manual could not be inserted: ORDER.DUPLICATE_CLIENT_ID/)]);
    expect(kinds(bot.facts, 'repaired')).toEqual([]);
    expect((await storage.safety.tradeCursors())[0]).toMatchObject({ tradesSince: tradeAt - 1_000, unreadSince: clock.now() });
    uow.run = run;
    await bot.pass(10 * MIN);
    expect(venue.tradeReads.at(-1)).toBe(tradeAt - 1_000);
    expect((await storage.orders.find({})).map((o) => [o.clientOrderId, o.exchangeOrderId, o.status])).toEqual([['t-manual', manual.id, 'filled']]);
    expect((await storage.positions.get(SYMBOL))?.baseQty.toString()).toBe('0.001996');
    expect((await storage.safety.tradeCursors())[0]).toMatchObject({ unreadSince: null });
  });

  it('an adoption while the store cannot be written is not kept for a retry (the core let it go): no halt, and the pass after the store is back adopts it once', async () => {
    const bot = await life(storage, clock, venue);
    clock.advance(10 * MIN);
    const manual = venue.filled('t-manual', '0.002', clock.now());
    const uow = storage.unitOfWork;
    const run = uow.run.bind(uow);
    uow.run = () => Promise.reject(new Error('SQLITE_IOERR: disk I/O error'));
    await bot.pass(MIN);
    expect(bot.errors).toEqual([expect.stringMatching(/disk I\/O error/)]);
    expect(bot.core.unsettled(SYMBOL)).toEqual([]);
    expect(bot.driver.pendingWrites()).toEqual([]);
    expect(bot.core.halts.level('STORE.WRITE')).toBeNull();
    uow.run = run;
    await bot.pass(10 * MIN);
    await bot.pass(10 * MIN);
    expect((await storage.orders.find({})).map((o) => [o.clientOrderId, o.exchangeOrderId, o.status])).toEqual([['t-manual', manual.id, 'filled']]);
    expect((await storage.fills.byOrder('t-manual')).map((f) => f.tradeId)).toEqual([`tr-${manual.id}`]);
    expect((await storage.positions.get(SYMBOL))?.baseQty.toString()).toBe('0.001996');
    expect(kinds(bot.facts, 'repaired')).toHaveLength(1);
  });

  it('an order behind a trade that the books hold but the core no longer remembers is not adopted again', async () => {
    // Ours, settled long ago (outside what recovery takes back), and a trade of it in the look-back.
    const old = venue.filled('t-old', '0.002', clock.now());
    const row = {
      clientOrderId: 't-old',
      exchange: 'fake',
      exchangeOrderId: old.id,
      symbol: SYMBOL,
      side: 'buy' as const,
      type: 'market' as const,
      requestedQuote: dec('100'),
      requestedBase: null,
      status: 'filled' as const,
      filledBase: old.filledBase,
      filledQuote: old.filledQuote,
      averagePrice: old.averagePrice,
      fee: old.fee,
      feeCurrency: old.feeCurrency,
      idempotencyKey: 'k-old',
      reason: 'signal',
      createdAt: clock.now() - 8 * 86_400_000,
      updatedAt: clock.now() - 8 * 86_400_000,
    };
    expect((await storage.orders.insert(row)).ok).toBe(true);
    const bot = await life(storage, clock, venue);
    await bot.pass(MIN);
    expect(bot.core.order('t-old')).toBeNull();
    expect(kinds(bot.facts, 'mismatch').filter((f) => 'scope' in f && f.scope === 'order')).toEqual([]);
    expect(bot.errors).toEqual([]);
    expect((await storage.safety.tradeCursors())[0]).toMatchObject({ tradesSince: clock.now() - TRADES_OVERLAP_MS, unreadSince: null });
  });

  it.each([
    ['the answer first, then the trades read', true],
    ['the trades read first, then a look with the trade', false],
  ])('a fill seen by an answer and by the trades read counts once: %s', async (_name, answerFirst) => {
    const bot = await life(storage, clock, venue);
    bot.setNoFills(!answerFirst);
    await bot.buy();
    const [ours] = await storage.orders.find({});
    expect(ours?.status).toBe('filled');
    await bot.pass(MIN);
    // The trades read recorded the trade the answer lacked (or skipped the one it had).
    expect(await storage.fills.byOrder(ours!.clientOrderId)).toHaveLength(1);
    // A later look at the order with its trade: nothing counted again.
    const dto = venue.orders.get(ours!.exchangeOrderId!)!;
    bot.driver.enqueue({ kind: 'order-report', clientOrderId: ours!.clientOrderId, answer: 'look', result: { ok: true, value: dto } });
    await bot.driver.idle();
    expect(await storage.fills.byOrder(ours!.clientOrderId)).toHaveLength(1);
    expect(bot.core.position(SYMBOL).baseQty.toString()).toBe('0.001996');
    expect((await storage.positions.get(SYMBOL))?.baseQty.toString()).toBe('0.001996');
    expect(bot.core.halts.state()).toBe('active');
  });

  it('holds the cursor where the trades could not be read, halts RECONCILE.MISMATCH once held an hour, and a pass that reads them adopts what was missed and clears it', async () => {
    const bot = await life(storage, clock, venue);
    const start = clock.now();
    expect(venue.tradeReads).toEqual([start - FIRST_TRADES_LOOKBACK_MS]);
    clock.advance(5 * MIN);
    venue.filled('t-manual', '0.002', clock.now());
    venue.tradesFail = 'TRADES_TOO_MANY';
    const states: string[] = [];
    for (let i = 0; i < 7; i++) {
      await bot.pass(10 * MIN);
      states.push(bot.core.halts.state());
    }
    // Every failed pass read from the same place: where the start-up pass left it.
    expect(new Set(venue.tradeReads.slice(1))).toEqual(new Set([start - TRADES_OVERLAP_MS]));
    expect((await storage.safety.tradeCursors())[0]).toMatchObject({ tradesSince: start - TRADES_OVERLAP_MS, unreadSince: start + 15 * MIN });
    expect(states).toEqual(['active', 'active', 'active', 'active', 'active', 'active', 'halted']);
    const halt = kinds(bot.facts, 'halt').at(-1) as Extract<CoreOutput, { kind: 'halt' }>;
    expect(halt.reason).toMatch(/^BTC\/USDT: the venue's trades since .* could not all be read for 60 min \(trades: TRADES_TOO_MANY\)/);
    expect(await storage.orders.find({})).toEqual([]);
    venue.tradesFail = null;
    await bot.pass(10 * MIN);
    expect(venue.tradeReads.at(-1)).toBe(start - TRADES_OVERLAP_MS);
    expect((await storage.orders.find({})).map((o) => [o.clientOrderId, o.status])).toEqual([['t-manual', 'filled']]);
    // The adoption moved the position in this very pass: its balance is compared on the next one, which clears the halt.
    expect(bot.core.halts.state()).toBe('halted');
    await bot.pass(10 * MIN);
    expect(bot.core.halts.state()).toBe('active');
    expect((await storage.safety.tradeCursors())[0]).toMatchObject({ tradesSince: clock.now() - TRADES_OVERLAP_MS, unreadSince: null });
    expect(venue.tradeReads.at(-1)).toBe(clock.now() - 10 * MIN - TRADES_OVERLAP_MS);
  });

  it('a restart reads the trades from the cursor the last pass saved, however long it was down', async () => {
    const first = await life(storage, clock, venue);
    await first.pass(10 * MIN);
    const saved = clock.now() - TRADES_OVERLAP_MS;
    clock.advance(48 * 3_600_000);
    venue.tradeReads.length = 0;
    await life(storage, clock, venue);
    expect(venue.tradeReads).toEqual([saved]);
  });

  it('a venue that holds less than the position: set down to it (persisted, reported), halted until a clean pass; at zero the stops go', async () => {
    const bot = await life(storage, clock, venue);
    await bot.buy();
    await bot.quote();
    expect(bot.core.position(SYMBOL).stopPrice).not.toBeNull();
    venue.base = dec('0.001');
    await bot.pass(MIN);
    expect(bot.core.position(SYMBOL).baseQty.toString()).toBe('0.001');
    expect((await storage.positions.get(SYMBOL))?.baseQty.toString()).toBe('0.001');
    expect(kinds(bot.facts, 'mismatch')).toEqual([
      expect.objectContaining({
        scope: 'position',
        expected: '0.001996',
        actual: '0.001',
        detail: 'the exchange holds 0.000996 BTC less than the position',
        halting: true,
      }),
    ]);
    expect(kinds(bot.facts, 'repaired')).toEqual([
      expect.objectContaining({ scope: 'position', subject: 'BTC', action: 'position set from 0.001996 to 0.001' }),
    ]);
    expect(bot.core.halts.state()).toBe('halted');
    await bot.pass(MIN);
    expect(bot.core.halts.state()).toBe('active');
    venue.base = ZERO;
    await bot.pass(MIN);
    expect(await storage.positions.get(SYMBOL)).toMatchObject({ baseQty: ZERO, openedAt: null, stopPrice: null, trailingStopPrice: null });
    expect(bot.core.halts.state()).toBe('halted');
  });
});
