import { dec, str, ZERO, type Decimal } from '@cab/domain';
import { badPair, badParam, GateError } from '../gate-error';
import { buyWithQuote, feeOf, sumAmount, sumCost, takeBase, type Fill } from './matching';
import type { Pair } from './markets';
import type { PriceFeed } from './price-feed';
import type { Balance, EmuOrder, EmuTrade, OrderSide, TimeInForce } from './types';

/** The body of POST /spot/orders as ccxt sends it (all strings). */
export interface CreateOrderBody {
  currency_pair?: unknown;
  type?: unknown;
  account?: unknown;
  side?: unknown;
  amount?: unknown;
  price?: unknown;
  time_in_force?: unknown;
  text?: unknown;
}

/** Faults that change how an order executes (the HTTP-level ones live in faults.ts). */
export interface ExecutionFault {
  /** Fill only this fraction of what the book would give, then finish as "ioc". */
  fillRatio?: Decimal;
  /** Report a filled IOC as finish_as "cancelled" (Gate does; docs/lessons.md #12). */
  reportCancelled?: boolean;
}

const TEXT_RE = /^t-[0-9A-Za-z_.-]{1,28}$/;

/** Balances, orders and fills of one account; fills market orders against the price feed's book. */
export class Exchange {
  readonly pairs = new Map<string, Pair>();
  readonly feeds = new Map<string, PriceFeed>();
  readonly balances = new Map<string, Balance>();
  readonly orders: EmuOrder[] = [];
  readonly trades: EmuTrade[] = [];
  /** currency_pair ('' = all pairs) → epoch ms at which open orders are cancelled. */
  readonly countdowns = new Map<string, number>();
  private nextOrderId = 700_000_000_001;
  private nextTradeId = 8_000_000_001;
  private seq = 1;

  constructor(
    readonly now: () => number,
    feeds: PriceFeed[],
    balances: Record<string, string>,
  ) {
    for (const f of feeds) {
      this.pairs.set(f.pair.id, f.pair);
      this.feeds.set(f.pair.id, f);
    }
    for (const [cur, amount] of Object.entries(balances)) this.setBalance(cur, amount);
  }

  pair(id: unknown): Pair {
    const p = typeof id === 'string' ? this.pairs.get(id) : undefined;
    if (!p) throw badPair(String(id));
    return p;
  }

  feed(id: string): PriceFeed {
    const f = this.feeds.get(id);
    if (!f) throw badPair(id);
    return f;
  }

  balance(cur: string): Balance {
    let b = this.balances.get(cur);
    if (!b) {
      b = { available: ZERO, locked: ZERO };
      this.balances.set(cur, b);
    }
    return b;
  }

  setBalance(cur: string, available: string): void {
    this.balance(cur).available = dec(available);
  }

  /** Runs what time makes happen: resting limit orders that the price crossed, countdowns due. */
  tick(): void {
    const t = this.now();
    for (const [pair, at] of [...this.countdowns]) {
      if (at <= t) this.fireCountdown(pair);
    }
    for (const o of this.orders) if (o.status === 'open') this.matchResting(o);
  }

  /** Cancels every open order of the countdown's pair (all pairs for '') and disarms it. */
  fireCountdown(pair?: string): EmuOrder[] {
    const keys = pair === undefined ? [...this.countdowns.keys()] : [pair];
    const out: EmuOrder[] = [];
    for (const k of keys) {
      this.countdowns.delete(k);
      out.push(...this.cancelAll(k === '' ? undefined : k));
    }
    return out;
  }

  /** POST /spot/countdown_cancel_all: 0 disarms, otherwise ≥ 5 s. Returns the trigger time. */
  countdown(timeout: unknown, pair: unknown): number {
    const secs = Number(timeout);
    if (!Number.isInteger(secs) || secs < 0 || (secs > 0 && secs < 5)) throw badParam('timeout must be 0 or at least 5 seconds');
    const key = typeof pair === 'string' && pair !== '' ? this.pair(pair).id : '';
    if (secs === 0) {
      this.countdowns.delete(key);
      return 0;
    }
    const at = this.now() + secs * 1000;
    this.countdowns.set(key, at);
    return at;
  }

  createOrder(body: CreateOrderBody, fault: ExecutionFault = {}): EmuOrder {
    const pair = this.pair(body.currency_pair);
    if (body.account !== undefined && body.account !== 'spot') throw badParam(`account ${String(body.account)} is not supported by the emulator (spot only)`);
    const side = body.side;
    if (side !== 'buy' && side !== 'sell') throw badParam('invalid argument: side');
    const type = body.type ?? 'limit';
    if (type !== 'market' && type !== 'limit') throw badParam('invalid argument: type');
    const text = body.text === undefined ? 'apiv4' : body.text;
    if (typeof text !== 'string' || (body.text !== undefined && !TEXT_RE.test(text)))
      throw new GateError(400, 'INVALID_TEXT', "text must start with 't-', followed by 1-28 of [0-9A-Za-z_.-]");
    const amount = decimalParam(body.amount, 'amount');
    if (amount.lte(ZERO)) throw badParam('invalid argument: amount');
    const tif = (body.time_in_force ?? (type === 'market' ? 'ioc' : 'gtc')) as TimeInForce;
    if (!['gtc', 'ioc', 'poc', 'fok'].includes(tif)) throw badParam('invalid argument: time_in_force');
    if (type === 'market' && tif !== 'ioc' && tif !== 'fok') throw badParam('market orders support time_in_force ioc and fok only');

    const t = this.now();
    const order: EmuOrder = {
      id: String(this.nextOrderId++),
      text,
      pair: pair.id,
      type,
      side,
      amount,
      price: ZERO,
      timeInForce: tif,
      status: 'open',
      finishAs: 'open',
      filledAmount: ZERO,
      filledTotal: ZERO,
      fee: ZERO,
      feeCurrency: side === 'buy' ? pair.spec.base : pair.spec.quote,
      createdMs: t,
      updatedMs: t,
      locked: ZERO,
      reportCancelled: fault.reportCancelled,
    };
    if (type === 'market') this.executeMarket(order, pair, fault);
    else this.executeLimit(order, pair, decimalParam(body.price, 'price'), fault);
    this.orders.push(order);
    return order;
  }

  private executeMarket(o: EmuOrder, pair: Pair, fault: ExecutionFault): void {
    const book = this.feed(pair.id).orderBook();
    const quoteBal = this.balance(pair.spec.quote);
    const baseBal = this.balance(pair.spec.base);
    let fills: Fill[];
    if (o.side === 'buy') {
      // Gate: a market buy's amount is the quote to spend.
      if (!onGrid(o.amount, pair.priceTick))
        throw new GateError(400, 'INVALID_PRECISION', `Invalid precision: ${str(o.amount)} ${pair.spec.quote} has more than ${pair.spec.precision} decimals`);
      if (o.amount.lt(pair.minQuote)) throw tooSmall(o.amount, pair);
      if (quoteBal.available.lt(o.amount)) throw notEnough();
      fills = buyWithQuote(pair, book.asks, capQuote(o.amount, fault));
    } else {
      this.checkBaseAmount(o.amount, pair);
      const best = book.bids[0];
      if (best && o.amount.times(dec(best.price)).lt(pair.minQuote)) throw tooSmall(o.amount.times(dec(best.price)), pair);
      if (baseBal.available.lt(o.amount)) throw notEnough();
      fills = takeBase(book.bids, capBase(o.amount, pair, fault), 'sell');
    }
    if (o.timeInForce === 'fok' && !fault.fillRatio && !fullyFilled(o, fills, pair)) {
      o.status = 'cancelled';
      o.finishAs = 'fok';
      return;
    }
    this.applyFills(o, pair, fills, 'taker');
    o.status = 'closed';
    o.finishAs = fullyFilled(o, fills, pair) && !fault.fillRatio ? 'filled' : 'ioc';
  }

  private executeLimit(o: EmuOrder, pair: Pair, price: Decimal, fault: ExecutionFault): void {
    if (price.lte(ZERO)) throw badParam('invalid argument: price');
    if (!onGrid(price, pair.priceTick))
      throw new GateError(400, 'INVALID_PRECISION', `Invalid precision: price ${str(price)} has more than ${pair.spec.precision} decimals`);
    this.checkBaseAmount(o.amount, pair);
    if (o.amount.times(price).lt(pair.minQuote)) throw tooSmall(o.amount.times(price), pair);
    o.price = price;
    const book = this.feed(pair.id).orderBook();
    const need = o.side === 'buy' ? o.amount.times(price) : o.amount;
    const bal = this.balance(o.side === 'buy' ? pair.spec.quote : pair.spec.base);
    if (bal.available.lt(need)) throw notEnough();
    const levels = o.side === 'buy' ? book.asks : book.bids;
    const fills = takeBase(levels, capBase(o.amount, pair, fault), o.side, price);
    if (o.timeInForce === 'poc' && fills.length > 0) {
      o.status = 'cancelled';
      o.finishAs = 'poc';
      return;
    }
    if (o.timeInForce === 'fok' && !sumAmount(fills).eq(o.amount)) {
      o.status = 'cancelled';
      o.finishAs = 'fok';
      return;
    }
    this.applyFills(o, pair, fills, 'taker');
    const rest = o.amount.minus(o.filledAmount);
    if (rest.lte(ZERO)) {
      o.status = 'closed';
      o.finishAs = 'filled';
    } else if (o.timeInForce === 'ioc' || fault.fillRatio) {
      o.status = 'closed';
      o.finishAs = 'ioc';
    } else {
      this.lock(o, pair, rest);
    }
  }

  private checkBaseAmount(amount: Decimal, pair: Pair): void {
    if (!onGrid(amount, pair.amountStep))
      throw new GateError(400, 'INVALID_PRECISION', `Invalid precision: amount ${str(amount)} has more than ${pair.spec.amountPrecision} decimals`);
    if (amount.lt(pair.minBase))
      throw new GateError(
        400,
        'AMOUNT_TOO_LITTLE',
        `Your order size ${str(amount)} ${pair.spec.base} is too small. The minimum is ${pair.spec.minBaseAmount} ${pair.spec.base}`,
      );
  }

  private lock(o: EmuOrder, pair: Pair, rest: Decimal): void {
    const cur = o.side === 'buy' ? pair.spec.quote : pair.spec.base;
    const amt = o.side === 'buy' ? rest.times(o.price) : rest;
    const b = this.balance(cur);
    b.available = b.available.minus(amt);
    b.locked = b.locked.plus(amt);
    o.locked = amt;
  }

  private unlock(o: EmuOrder, pair: Pair): void {
    if (o.locked.lte(ZERO)) return;
    const b = this.balance(o.side === 'buy' ? pair.spec.quote : pair.spec.base);
    b.available = b.available.plus(o.locked);
    b.locked = b.locked.minus(o.locked);
    o.locked = ZERO;
  }

  /** A resting limit order fills in full, at its own price, once the book crosses it. */
  private matchResting(o: EmuOrder): void {
    const pair = this.pair(o.pair);
    const book = this.feed(o.pair).orderBook();
    const best = o.side === 'buy' ? book.asks[0] : book.bids[0];
    if (!best) return;
    const crosses = o.side === 'buy' ? dec(best.price).lte(o.price) : dec(best.price).gte(o.price);
    if (!crosses) return;
    this.unlock(o, pair);
    this.applyFills(o, pair, [{ price: o.price, amount: o.amount.minus(o.filledAmount) }], 'maker');
    o.status = 'closed';
    o.finishAs = 'filled';
  }

  /** Books the fills: balances, fees (buy fee in base, sell fee in quote) and trade records. */
  private applyFills(o: EmuOrder, pair: Pair, fills: Fill[], role: 'taker' | 'maker'): void {
    const base = this.balance(pair.spec.base);
    const quote = this.balance(pair.spec.quote);
    const t = this.now();
    for (const f of fills) {
      const cost = f.amount.times(f.price);
      const fee = feeOf(o.side === 'buy' ? f.amount : cost, pair.feeRate);
      if (o.side === 'buy') {
        quote.available = quote.available.minus(cost);
        base.available = base.available.plus(f.amount).minus(fee);
      } else {
        base.available = base.available.minus(f.amount);
        quote.available = quote.available.plus(cost).minus(fee);
      }
      o.filledAmount = o.filledAmount.plus(f.amount);
      o.filledTotal = o.filledTotal.plus(cost);
      o.fee = o.fee.plus(fee);
      this.trades.push({
        id: String(this.nextTradeId++),
        orderId: o.id,
        pair: pair.id,
        side: o.side,
        role,
        amount: f.amount,
        price: f.price,
        fee,
        feeCurrency: o.feeCurrency,
        ts: t,
        text: o.text,
        seq: this.seq++,
      });
    }
    o.updatedMs = t;
  }

  /** Finds by id, or by `t-…` text (the latest such order: Gate does not reject duplicates). */
  find(ref: string, pairId?: string): EmuOrder {
    const byText = ref.startsWith('t-');
    for (let i = this.orders.length - 1; i >= 0; i--) {
      const o = this.orders[i] as EmuOrder;
      if ((byText ? o.text === ref : o.id === ref) && (!pairId || o.pair === pairId)) return o;
    }
    throw byText ? new GateError(404, 'CLIENT_ID_NOT_FOUND', 'Client ID not found') : new GateError(404, 'ORDER_NOT_FOUND', 'Order not found');
  }

  cancel(ref: string, pairId?: string): EmuOrder {
    const o = this.find(ref, pairId);
    if (o.status !== 'open') throw new GateError(400, 'ORDER_CLOSED', `Order ${o.id} is already finished`);
    this.cancelOpen(o);
    return o;
  }

  cancelAll(pairId?: string, side?: OrderSide): EmuOrder[] {
    const out: EmuOrder[] = [];
    for (const o of this.orders) {
      if (o.status !== 'open' || (pairId && o.pair !== pairId) || (side && o.side !== side)) continue;
      this.cancelOpen(o);
      out.push(o);
    }
    return out;
  }

  private cancelOpen(o: EmuOrder): void {
    this.unlock(o, this.pair(o.pair));
    o.status = 'cancelled';
    o.finishAs = 'cancelled';
    o.updatedMs = this.now();
  }

  openOrders(pairId?: string): EmuOrder[] {
    return this.orders.filter((o) => o.status === 'open' && (!pairId || o.pair === pairId));
  }
}

function decimalParam(v: unknown, name: string): Decimal {
  if (typeof v !== 'string' && typeof v !== 'number') throw badParam(`invalid argument: ${name}`);
  try {
    return dec(String(v));
  } catch {
    throw badParam(`invalid argument: ${name}`);
  }
}

const onGrid = (x: Decimal, step: Decimal): boolean => x.mod(step).eq(ZERO);

const notEnough = (): GateError => new GateError(400, 'BALANCE_NOT_ENOUGH', 'Not enough balance');

const tooSmall = (quote: Decimal, pair: Pair): GateError =>
  badParam(`Your order size ${str(quote)} ${pair.spec.quote} is too small. The minimum is ${pair.spec.minQuoteAmount} ${pair.spec.quote}`);

const capQuote = (q: Decimal, f: ExecutionFault): Decimal => (f.fillRatio ? q.times(f.fillRatio) : q);

function capBase(b: Decimal, pair: Pair, f: ExecutionFault): Decimal {
  if (!f.fillRatio) return b;
  const x = b.times(f.fillRatio);
  return x.minus(x.mod(pair.amountStep));
}

/** Filled except for dust: a buy that cannot afford one more step, a sell with nothing left. */
function fullyFilled(o: EmuOrder, fills: Fill[], pair: Pair): boolean {
  if (o.side === 'sell' || o.type === 'limit') return sumAmount(fills).eq(o.amount);
  const left = o.amount.minus(sumCost(fills));
  const last = fills[fills.length - 1];
  return last !== undefined && left.lt(last.price.times(pair.amountStep));
}
