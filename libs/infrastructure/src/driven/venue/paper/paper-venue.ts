import {
  dec,
  Instrument,
  str,
  ZERO,
  type Clock,
  type Decimal,
  type DecimalInput,
  type IdGenerator,
  type InstrumentSpec,
  type OrderBook,
  type Side,
  type Ticker,
} from '@cab/domain';
import {
  fail,
  ok,
  type BalanceDTO,
  type Broker,
  type BrokerResult,
  type FillDTO,
  type OrderDTO,
  type OrderRef,
  type PaperLedgerStore,
  type PaperOrderRecord,
  type PaperOrdersChange,
  type TickerDTO,
  type VenueCapabilities,
} from '@cab/application';
import { REJECT } from '../reject-codes';
import { GATE_LIKE_INSTRUMENTS } from './gate-instruments';
import { walkBuyByQuote, walkSellByBase } from './matching';
import { fromRecord, toRecord } from './order-records';
import { PaperAccount } from './paper-account';
import { paperCapabilities } from './paper-capabilities';
import { PaperOrders, RETAIN_FINISHED_MS } from './paper-orders';
import type { PaperMarket } from './paper-market';
import { DEFAULT_DEPTH, synthesizeBook, syntheticSides, type BookSides, type SyntheticDepth } from './synthetic-book';
import {
  applyWalk,
  buyBalanceRefusal,
  buyCost,
  buyMinBaseRefusal,
  checkClientId,
  newOrder as newMarketOrder,
  noMarket,
  rejected,
  sellAmount,
  sellBalanceRefusal,
  sellMinNotionalRefusal,
  unknownSymbol,
} from './market-order-rules';

export { RETAIN_FINISHED_MS } from './paper-orders';

export interface PaperVenueOptions {
  /** Prices: the ticker and, when it has one, the book of each symbol. */
  market: PaperMarket;
  /** Where balances, orders and fills live between restarts. */
  ledger: PaperLedgerStore;
  clock: Clock;
  /** Order ids and trade ids. The same ids, clock, market and calls give the same orders and fills. */
  ids: IdGenerator;
  /** The account on first start (empty ledger), e.g. {USDT: "10000"}. Ignored once the ledger holds balances. */
  startingBalances: Record<string, string>;
  /** Tradable pairs; Gate-like BTC/USDT and ETH/USDT by default. */
  instruments?: readonly InstrumentSpec[];
  /** The book model used when the market gives only a ticker. */
  depth?: Partial<SyntheticDepth>;
  /** Name for logs and metrics; "paper" by default. */
  name?: string;
  /** How long a finished order and its fills stay answerable (fetchOrder, fetchMyTrades); RETAIN_FINISHED_MS (7 days) by default. */
  retainFinishedMs?: number;
}

/**
 * A simulated Gate.io spot account behind the Broker port. It fills market orders against the
 * market's book (or a synthetic one around the ticker, with slippage for size), with Gate's
 * rules: a market buy spends QUOTE and pays its fee in BASE, a sell pays its fee in quote,
 * amounts are rounded down onto the grid, min-notional / min-base / balance refusals carry Gate's
 * labels, and market orders are IOC (closed, or canceled with what filled when the book runs out).
 *
 * Every change is saved to the ledger before it is reported: the new balances and the order that
 * moved them (with its fills) in one transaction, never one without the other. So after a restart,
 * even a kill -9 between the fill and the bot's own settlement, the broker answers for its orders
 * as Gate does: fetchOrder by id or client id, fetchOpenOrders (resting orders come back with
 * their balance still locked) and fetchMyTrades say what they said before. A finished order is
 * forgotten `retainFinishedMs` after it finished (7 days by default, see RETAIN_FINISHED_MS), in
 * memory and in the ledger, so a paper server or a backtest that runs for months holds a week of
 * orders, not all of them.
 *
 * Calls that change the account run one at a time, in call order: no two orders can both spend
 * the same balance.
 */
export class PaperVenue implements Broker {
  readonly name: string;
  readonly capabilities: VenueCapabilities;
  private readonly market: PaperMarket;
  private readonly ledger: PaperLedgerStore;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly starting: Record<string, string>;
  private readonly instruments = new Map<string, Instrument>();
  private readonly depth: SyntheticDepth;

  private account: PaperAccount | null = null;
  private loading: Promise<PaperAccount> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Replaced once, by the load: a load that fails leaves nothing half restored. */
  private orders: PaperOrders;
  /** Synthetic books by the ticker they were built from. */
  private readonly synthetic = new WeakMap<Ticker, BookSides | null>();
  /** Limit price of each resting order (OrderDTO has no price field). */
  private readonly restingPrice = new Map<string, Decimal>();
  private readonly retainFinishedMs: number;
  /** When the ledger last deleted the orders past retention (at most every FORGET_EVERY_MS). */
  private lastForget = Number.NEGATIVE_INFINITY;

  constructor(opts: PaperVenueOptions) {
    this.name = opts.name ?? 'paper';
    this.market = opts.market;
    this.ledger = opts.ledger;
    this.clock = opts.clock;
    this.ids = opts.ids;
    this.starting = { ...opts.startingBalances };
    for (const [currency, amount] of Object.entries(this.starting))
      if (dec(amount).lt(ZERO)) throw new RangeError(`starting balance of ${currency} must be >= 0, got ${amount}`);
    for (const spec of opts.instruments ?? GATE_LIKE_INSTRUMENTS) this.instruments.set(spec.symbol, new Instrument(spec));
    this.depth = { ...DEFAULT_DEPTH, ...opts.depth };
    this.retainFinishedMs = opts.retainFinishedMs ?? RETAIN_FINISHED_MS;
    this.orders = new PaperOrders(this.retainFinishedMs);
    this.capabilities = paperCapabilities(this.retainFinishedMs);
    if (!Number.isInteger(this.depth.levels) || this.depth.levels < 1) throw new RangeError('depth.levels must be a positive integer');
  }

  // ---- reads -------------------------------------------------------------------------------

  async instrument(symbol: string): Promise<BrokerResult<Instrument>> {
    const inst = this.instruments.get(symbol);
    return inst ? ok(inst) : unknownSymbol(symbol);
  }

  async fetchTicker(symbol: string): Promise<BrokerResult<TickerDTO>> {
    if (!this.instruments.has(symbol)) return unknownSymbol(symbol);
    const t = await this.market.ticker(symbol);
    if (!t) return noMarket(symbol);
    return ok({ symbol, bid: t.bid, ask: t.ask, last: t.last, ts: t.ts });
  }

  /** Ten levels a side by default, as GateVenue asks Gate for: the same view in paper and live. */
  async fetchOrderBook(symbol: string, depth = 10): Promise<BrokerResult<OrderBook>> {
    const inst = this.instruments.get(symbol);
    if (!inst) return unknownSymbol(symbol);
    const book = await this.market.book(symbol);
    if (book) return ok({ ...book, bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) });
    const t = await this.market.ticker(symbol);
    const synthetic = t ? synthesizeBook(t, inst, this.depth, depth) : null;
    return synthetic ? ok(synthetic) : noMarket(symbol);
  }

  async fetchBalance(symbol: string): Promise<BrokerResult<BalanceDTO>> {
    const inst = this.instruments.get(symbol);
    if (!inst) return unknownSymbol(symbol);
    const loaded = await this.loaded();
    if (!loaded.ok) return loaded;
    const acc = loaded.value;
    const base = acc.get(inst.base);
    const quote = acc.get(inst.quote);
    return ok({ symbol, base: inst.base, quote: inst.quote, freeBase: base.free, usedBase: base.used, freeQuote: quote.free, usedQuote: quote.used });
  }

  async fetchOrder(symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    if (!this.instruments.has(symbol)) return unknownSymbol(symbol);
    // The orders come back from the ledger with the account: a lookup right after a restart must see them.
    const loaded = await this.loaded();
    if (!loaded.ok) return loaded;
    const order = 'id' in ref ? this.orders.get(ref.id) : this.orders.getByClientId(ref.clientOrderId);
    if (!order || order.symbol !== symbol) {
      const what = 'id' in ref ? `id ${ref.id}` : `client order id ${ref.clientOrderId}`;
      return fail({ kind: 'rejected', code: REJECT.NOT_FOUND, message: `${symbol}: no order with ${what}` });
    }
    return ok(copyOrder(order));
  }

  async fetchOpenOrders(symbol: string): Promise<BrokerResult<OrderDTO[]>> {
    if (!this.instruments.has(symbol)) return unknownSymbol(symbol);
    const loaded = await this.loaded();
    if (!loaded.ok) return loaded;
    return ok(this.orders.openOrders(symbol).map(copyOrder));
  }

  async fetchMyTrades(symbol: string, sinceMs?: number): Promise<BrokerResult<FillDTO[]>> {
    if (!this.instruments.has(symbol)) return unknownSymbol(symbol);
    const loaded = await this.loaded();
    if (!loaded.ok) return loaded;
    return ok(this.orders.fillsSince(symbol, sinceMs).map((f) => ({ ...f })));
  }

  // ---- orders ------------------------------------------------------------------------------

  createMarketBuyQuote(symbol: string, quoteAmount: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.serially(async (): Promise<BrokerResult<OrderDTO>> => {
      const inst = this.instruments.get(symbol);
      if (!inst) return unknownSymbol(symbol);
      const bad = checkClientId(clientOrderId);
      if (bad) return bad;
      // ccxt sends a market buy's cost on the price grid, truncated (costToPrecision).
      const cost = buyCost(inst, quoteAmount);
      if (!cost.ok) return cost;
      const quote = cost.value;
      const loaded = await this.loaded();
      if (!loaded.ok) return loaded;
      const acc = loaded.value;
      const poor = buyBalanceRefusal(inst, quote, acc.get(inst.quote).free);
      if (poor) return poor;
      const book = await this.bookFor(inst);
      if (!book) return noMarket(symbol);
      const small = buyMinBaseRefusal(inst, quote, book);
      if (small) return small;

      const walk = walkBuyByQuote(book.asks, quote, inst.amountStep);
      const now = this.clock.now();
      const order = this.newOrder(inst, 'buy', clientOrderId, now, { requestedQuote: quote, requestedBase: null });
      applyWalk(order, walk, inst, now, this.ids);
      const draft = acc.draft().addFree(inst.quote, order.filledQuote.neg()).addFree(inst.base, order.filledBase.minus(order.fee));
      return this.commit(draft, order);
    });
  }

  createMarketSellBase(symbol: string, baseAmount: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.serially(async (): Promise<BrokerResult<OrderDTO>> => {
      const inst = this.instruments.get(symbol);
      if (!inst) return unknownSymbol(symbol);
      const bad = checkClientId(clientOrderId);
      if (bad) return bad;
      const amount = sellAmount(inst, baseAmount);
      if (!amount.ok) return amount;
      const base = amount.value;
      const book = await this.bookFor(inst);
      if (!book) return noMarket(symbol);
      const small = sellMinNotionalRefusal(inst, base, book);
      if (small) return small;
      const loaded = await this.loaded();
      if (!loaded.ok) return loaded;
      const acc = loaded.value;
      const poor = sellBalanceRefusal(inst, base, acc.get(inst.base).free);
      if (poor) return poor;

      const walk = walkSellByBase(book.bids, base, inst.amountStep);
      const now = this.clock.now();
      const order = this.newOrder(inst, 'sell', clientOrderId, now, { requestedQuote: null, requestedBase: base });
      applyWalk(order, walk, inst, now, this.ids);
      const draft = acc.draft().addFree(inst.base, order.filledBase.neg()).addFree(inst.quote, order.filledQuote.minus(order.fee));
      return this.commit(draft, order);
    });
  }

  /** Cancels one resting order (releasing what it locked); a finished one answers its final state, as Gate's ORDER_CLOSED read back does live. */
  cancelOrder(symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    return this.serially(async (): Promise<BrokerResult<OrderDTO>> => {
      const inst = this.instruments.get(symbol);
      if (!inst) return unknownSymbol(symbol);
      const loaded = await this.loaded();
      if (!loaded.ok) return loaded;
      const order = 'id' in ref ? this.orders.get(ref.id) : this.orders.getByClientId(ref.clientOrderId);
      if (!order || order.symbol !== symbol) {
        const what = 'id' in ref ? `id ${ref.id}` : `client order id ${ref.clientOrderId}`;
        return fail({ kind: 'rejected', code: REJECT.NOT_FOUND, message: `${symbol}: no order with ${what}` });
      }
      if (order.status !== 'open') return ok(copyOrder(order));
      const now = this.clock.now();
      // Saved with the balance it releases, then changed in memory (as cancelAllOrders).
      const draft = loaded.value.draft().unlock(...this.lockedBy(order, inst));
      const saved = await this.save(draft, [toRecord({ ...order, status: 'canceled', updatedAt: now }, this.restingPrice.get(order.id) ?? null)]);
      if (!saved.ok) return saved;
      this.orders.finish(order, 'canceled', now);
      this.restingPrice.delete(order.id);
      return ok(copyOrder(order));
    });
  }

  cancelAllOrders(symbol: string): Promise<BrokerResult<OrderDTO[]>> {
    return this.serially(async (): Promise<BrokerResult<OrderDTO[]>> => {
      const inst = this.instruments.get(symbol);
      if (!inst) return unknownSymbol(symbol);
      const loaded = await this.loaded();
      if (!loaded.ok) return loaded;
      const acc = loaded.value;
      const open = this.orders.openOrders(symbol);
      if (open.length === 0) return ok([]);
      const draft = acc.draft();
      for (const o of open) draft.unlock(...this.lockedBy(o, inst));
      const now = this.clock.now();
      // The canceled orders are saved with the balances they release, then changed in memory.
      const records = open.map((o) => toRecord({ ...o, status: 'canceled', updatedAt: now }, this.restingPrice.get(o.id) ?? null));
      const saved = await this.save(draft, records);
      if (!saved.ok) return saved;
      for (const o of open) {
        this.orders.finish(o, 'canceled', now);
        this.restingPrice.delete(o.id);
      }
      return ok(open.map(copyOrder));
    });
  }

  /**
   * Paper only: a resting limit order that locks its balance (amount × price of quote for a buy,
   * the base for a sell) and stays open until canceled. It is never matched against the market:
   * it exists so open-order, cancel-all and adoption flows run in paper mode as they do live.
   */
  placeRestingOrder(symbol: string, side: Side, amount: Decimal, price: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    return this.serially(async (): Promise<BrokerResult<OrderDTO>> => {
      const inst = this.instruments.get(symbol);
      if (!inst) return unknownSymbol(symbol);
      const bad = checkClientId(clientOrderId);
      if (bad) return bad;
      if (price.lte(ZERO) || !price.mod(inst.priceTick).eq(ZERO))
        return rejected(REJECT.PRECISION, `${symbol}: price ${str(price)} is not a positive multiple of ${str(inst.priceTick)}`);
      const base = inst.qty(amount, 'down');
      const deny = inst.check(base, price);
      if (deny) return rejected(deny.code === 'INSTRUMENT.MIN_NOTIONAL' ? REJECT.MIN_NOTIONAL : REJECT.MIN_BASE, deny.message);
      const [currency, need] = side === 'buy' ? [inst.quote, base.times(price)] : [inst.base, base];
      const loaded = await this.loaded();
      if (!loaded.ok) return loaded;
      const acc = loaded.value;
      const free = acc.get(currency).free;
      if (need.gt(free)) return rejected(REJECT.BALANCE, `${symbol}: the order locks ${str(need)} ${currency}, more than the free ${str(free)}`);
      const now = this.clock.now();
      const order = this.newOrder(inst, side, clientOrderId, now, { requestedQuote: null, requestedBase: base });
      order.type = 'limit';
      order.status = 'open';
      this.restingPrice.set(order.id, price);
      return this.commit(acc.draft().lock(currency, need), order);
    });
  }

  /** Paper only: sets the free balance of a currency (top up or drain the simulated account). Persisted. */
  setFreeBalance(currency: string, amount: DecimalInput): Promise<BrokerResult<void>> {
    return this.serially(async (): Promise<BrokerResult<void>> => {
      const free = dec(amount);
      if (free.lt(ZERO)) throw new RangeError(`paper balance of ${currency} must be >= 0, got ${str(free)}`);
      const loaded = await this.loaded();
      if (!loaded.ok) return loaded;
      const acc = loaded.value;
      const draft = acc.draft().set(currency, { free, used: acc.get(currency).used });
      return this.save(draft);
    });
  }

  /** Paper only: how many orders and fills it holds in memory now (bounded by `retainFinishedMs`). */
  retained(): { orders: number; fills: number } {
    return this.orders.size;
  }

  /**
   * Loads the account from the ledger now (seeding it from `startingBalances` when the ledger is
   * empty), so a composition root can fail fast at start; otherwise this happens on first use.
   */
  async ready(): Promise<BrokerResult<void>> {
    const loaded = await this.loaded();
    return loaded.ok ? ok(undefined) : loaded;
  }

  async close(): Promise<void> {
    // Wait for the calls in progress: their balances must reach the ledger.
    await this.queue.catch(() => undefined);
  }

  // ---- internals ---------------------------------------------------------------------------

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The account, loaded from the ledger on first use (seeded from the settings when the ledger is empty). */
  private async loaded(): Promise<BrokerResult<PaperAccount>> {
    if (this.account) return ok(this.account);
    if (!this.loading) {
      this.loading = this.load();
      // A failed load is tried again on the next call.
      this.loading.catch(() => {
        this.loading = null;
      });
    }
    try {
      return ok(await this.loading);
    } catch (e) {
      return fail({ kind: 'retryable', code: 'PAPER.LEDGER_UNAVAILABLE', message: `paper ledger load failed: ${(e as Error).message}` });
    }
  }

  private async load(): Promise<PaperAccount> {
    const saved = await this.ledger.load();
    let acc: PaperAccount;
    if (saved === null) {
      acc = PaperAccount.seed(this.starting);
      await this.ledger.save(acc.toBalances());
    } else {
      const now = this.clock.now();
      // Retention counts from the ledger's last activity, not from now: a bot that was down for
      // longer than the window must still find, at its first reconcile, the order it filled just
      // before it went down (or that fill would never be settled). Nothing is deleted on load;
      // forgetting resumes, against the clock, with the next order or save.
      const stored = await this.ledger.loadOrders(Number.MIN_SAFE_INTEGER);
      const lastActivity = stored.reduce((t, r) => Math.max(t, r.updatedAt), Number.MIN_SAFE_INTEGER);
      const asOf = Math.min(now, stored.length > 0 ? lastActivity : now);
      const records = stored.filter((r) => r.status === 'open' || r.updatedAt >= asOf - this.retainFinishedMs);
      acc = PaperAccount.fromBalances(saved);
      // Restored aside and adopted only once the load has succeeded: a retry starts clean.
      const orders = new PaperOrders(this.retainFinishedMs);
      const prices = new Map<string, Decimal>();
      for (const r of records) {
        const { order, price } = fromRecord(r);
        // Orders of a pair no longer configured are not answerable anyway (unknown symbol).
        if (!this.instruments.has(order.symbol)) continue;
        if (order.status === 'open' && price !== null) prices.set(order.id, price);
        // In first-save order, so fills stay in time order; as of the last activity (see above).
        orders.add(order, asOf);
      }
      const locked = this.lockedByOpenOrders(orders, prices);
      if (!sameLocks(acc, locked)) {
        // Saved together, balances and open orders agree; they differ only in a ledger written
        // before orders were saved (V0004), whose resting orders are gone: what no open order
        // holds is released, what one does is locked.
        acc = acc.draft().relock(locked);
        await this.ledger.save(acc.toBalances());
      }
      this.orders = orders;
      for (const [id, price] of prices) this.restingPrice.set(id, price);
    }
    this.account = acc;
    return acc;
  }

  /** What the open orders lock, by currency. */
  private lockedByOpenOrders(orders: PaperOrders, prices: ReadonlyMap<string, Decimal>): Map<string, Decimal> {
    const out = new Map<string, Decimal>();
    for (const inst of this.instruments.values())
      for (const o of orders.openOrders(inst.symbol)) {
        const [currency, amount] = this.lockedBy(o, inst, prices);
        out.set(currency, (out.get(currency) ?? ZERO).plus(amount));
      }
    return out;
  }

  /** The market's book, or the synthetic one around its ticker (levels built only as a walk reaches them). */
  private async bookFor(inst: Instrument): Promise<BookSides | null> {
    const book = await this.market.book(inst.symbol);
    if (book) return book;
    const t = await this.market.ticker(inst.symbol);
    if (!t) return null;
    // Levels already built for this very quote are reused: a market usually hands out one ticker
    // object per quote, and building a level costs a long division.
    let sides = this.synthetic.get(t);
    if (sides === undefined) {
      sides = syntheticSides(t, inst, this.depth);
      this.synthetic.set(t, sides);
    }
    return sides;
  }

  /** What a resting order holds locked: quote amount × price for a buy, the base for a sell. */
  private lockedBy(o: OrderDTO, inst: Instrument, prices: ReadonlyMap<string, Decimal> = this.restingPrice): [currency: string, amount: Decimal] {
    const base = o.requestedBase ?? ZERO;
    if (o.side === 'sell') return [inst.base, base];
    const price = prices.get(o.id);
    if (!price) throw new Error(`resting order ${o.id} has no price`);
    return [inst.quote, base.times(price)];
  }

  private newOrder(
    inst: Instrument,
    side: Side,
    clientOrderId: string,
    now: number,
    requested: { requestedQuote: Decimal | null; requestedBase: Decimal | null },
  ): OrderDTO {
    const id = this.ids.next();
    // Restored orders share the id space: a repeated id would overwrite one in the ledger.
    if (this.orders.get(id)) throw new Error(`paper order id ${id} is already taken: the id generator repeats (a restart needs ids that continue)`);
    return newMarketOrder(id, inst, side, clientOrderId, now, requested);
  }

  /** Saves the new balances with the order and its fills, then records them: nothing is reported that was not persisted. */
  private async commit(draft: PaperAccount, order: OrderDTO): Promise<BrokerResult<OrderDTO>> {
    const saved = await this.save(draft, [toRecord(order, this.restingPrice.get(order.id) ?? null)]);
    if (!saved.ok) {
      this.restingPrice.delete(order.id);
      return saved;
    }
    this.orders.add(order, this.clock.now());
    return ok(copyOrder(order));
  }

  private async save(draft: PaperAccount, orders: readonly PaperOrderRecord[] = []): Promise<BrokerResult<void>> {
    const now = this.clock.now();
    // The ledger forgets finished orders as memory does, in the same transaction, but at most once
    // every FORGET_EVERY_MS: the table then holds at most that much more than the window.
    const forget = now - this.lastForget >= Math.min(FORGET_EVERY_MS, this.retainFinishedMs);
    const change: PaperOrdersChange = forget ? { orders, forgetFinishedBefore: now - this.retainFinishedMs } : { orders };
    try {
      await this.ledger.save(draft.toBalances(), change);
    } catch (e) {
      // Nothing happened: the account in memory and in the ledger are both unchanged.
      return fail({ kind: 'retryable', code: 'PAPER.LEDGER_UNAVAILABLE', message: `paper ledger save failed: ${(e as Error).message}` });
    }
    this.account = draft;
    if (forget) this.lastForget = now;
    return ok(undefined);
  }
}

/** How often a save also deletes the ledger's orders past retention. */
const FORGET_EVERY_MS = 3_600_000;

function sameLocks(acc: PaperAccount, locked: ReadonlyMap<string, Decimal>): boolean {
  for (const [currency, amount] of locked) if (!acc.get(currency).used.eq(amount)) return false;
  for (const [currency, h] of acc.entries()) if (!locked.has(currency) && !h.used.eq(ZERO)) return false;
  return true;
}

function copyOrder(o: OrderDTO): OrderDTO {
  return { ...o, fills: o.fills.map((f) => ({ ...f })) };
}
