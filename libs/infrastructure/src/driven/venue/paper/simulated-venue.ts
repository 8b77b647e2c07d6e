import { dec, Instrument, type Clock, type Decimal, type IdGenerator, type InstrumentSpec, type OrderBook, type Ticker } from '@cab/domain';
import { ok, type BalanceDTO, type BrokerResult, type OrderDTO, type SyncVenue } from '@cab/application';
import { GATE_LIKE_INSTRUMENTS } from './gate-instruments';
import {
  applyWalk,
  buyBalanceRefusal,
  buyCost,
  buyMinBaseRefusal,
  checkClientId,
  newOrder,
  noMarket,
  sellAmount,
  sellBalanceRefusal,
  sellMinNotionalRefusal,
  unknownSymbol,
} from './market-order-rules';
import { walkBuyByQuote, walkSellByBase } from './matching';
import { PaperAccount } from './paper-account';
import { paperCapabilities } from './paper-capabilities';
import { bookOfSides, DEFAULT_DEPTH, syntheticSides, type BookSides, type SyntheticDepth } from './synthetic-book';

export interface SimulatedVenueOptions {
  clock: Clock;
  /** Order ids and trade ids. */
  ids: IdGenerator;
  /** The account at the start, e.g. {USDT: "10000"}. */
  startingBalances: Record<string, string>;
  /** Tradable pairs; Gate-like BTC/USDT and ETH/USDT by default (as PaperVenue). */
  instruments?: readonly InstrumentSpec[];
  depth?: Partial<SyntheticDepth>;
  name?: string;
}

/**
 * PaperVenue's matching without its awaits, its ledger or its order history: the synchronous venue
 * the TradingCore trades with in a backtest. Market orders fill against the synthetic book around
 * the quote the driver set last (`quote`), with the same rules as PaperVenue
 * (market-order-rules.ts: grid, limits, Gate's refusals, fees in base for a buy and quote for a
 * sell, IOC) — so the same calls on the same quotes give the same fills. Nothing is persisted.
 */
export class SimulatedVenue implements SyncVenue {
  readonly name: string;
  /** Nothing is forgotten: a backtest's venue keeps every order. */
  readonly capabilities = paperCapabilities(null);
  private readonly instruments = new Map<string, Instrument>();
  private readonly depth: SyntheticDepth;
  private readonly tickers = new Map<string, Ticker>();
  /** The synthetic book of each symbol's current quote, built once per quote (levels as a walk reaches them). */
  private readonly sides = new Map<string, BookSides | null>();
  private account: PaperAccount;
  /** Balances as last handed out: the same object until an order moves them. */
  private readonly balances = new Map<string, BalanceDTO>();

  constructor(private readonly opts: SimulatedVenueOptions) {
    this.name = opts.name ?? 'paper';
    for (const [currency, amount] of Object.entries(opts.startingBalances))
      if (dec(amount).lt('0')) throw new RangeError(`starting balance of ${currency} must be >= 0, got ${amount}`);
    for (const spec of opts.instruments ?? GATE_LIKE_INSTRUMENTS) this.instruments.set(spec.symbol, new Instrument(spec));
    this.depth = { ...DEFAULT_DEPTH, ...opts.depth };
    this.account = PaperAccount.seed(opts.startingBalances);
  }

  /** The market moved: the quote the next orders fill against. */
  quote(t: Ticker): void {
    this.tickers.set(t.symbol, t);
    this.sides.delete(t.symbol);
  }

  instrument(symbol: string): Instrument | null {
    return this.instruments.get(symbol) ?? null;
  }

  balance(symbol: string): BalanceDTO | null {
    const inst = this.instruments.get(symbol);
    if (!inst) return null;
    let b = this.balances.get(symbol);
    if (!b) {
      const base = this.account.get(inst.base);
      const quote = this.account.get(inst.quote);
      b = { symbol, base: inst.base, quote: inst.quote, freeBase: base.free, usedBase: base.used, freeQuote: quote.free, usedQuote: quote.used };
      this.balances.set(symbol, b);
    }
    return b;
  }

  /** The current quote's synthetic book, over the same sides the next order fills against (each level computed once). */
  book(symbol: string, depth: number): OrderBook | null {
    const inst = this.instruments.get(symbol);
    const sides = inst ? this.bookFor(inst) : null;
    return sides ? bookOfSides(sides, depth) : null;
  }

  marketBuyQuote(symbol: string, quoteAmount: Decimal, clientOrderId: string): BrokerResult<OrderDTO> {
    const inst = this.instruments.get(symbol);
    if (!inst) return unknownSymbol(symbol);
    const bad = checkClientId(clientOrderId);
    if (bad) return bad;
    const cost = buyCost(inst, quoteAmount);
    if (!cost.ok) return cost;
    const quote = cost.value;
    const poor = buyBalanceRefusal(inst, quote, this.account.get(inst.quote).free);
    if (poor) return poor;
    const book = this.bookFor(inst);
    if (!book) return noMarket(symbol);
    const small = buyMinBaseRefusal(inst, quote, book);
    if (small) return small;
    const walk = walkBuyByQuote(book.asks, quote, inst.amountStep);
    const now = this.opts.clock.now();
    const order = newOrder(this.opts.ids.next(), inst, 'buy', clientOrderId, now, { requestedQuote: quote, requestedBase: null });
    applyWalk(order, walk, inst, now, this.opts.ids);
    this.adopt(this.account.draft().addFree(inst.quote, order.filledQuote.neg()).addFree(inst.base, order.filledBase.minus(order.fee)));
    return ok(order);
  }

  marketSellBase(symbol: string, baseAmount: Decimal, clientOrderId: string): BrokerResult<OrderDTO> {
    const inst = this.instruments.get(symbol);
    if (!inst) return unknownSymbol(symbol);
    const bad = checkClientId(clientOrderId);
    if (bad) return bad;
    const amount = sellAmount(inst, baseAmount);
    if (!amount.ok) return amount;
    const base = amount.value;
    const book = this.bookFor(inst);
    if (!book) return noMarket(symbol);
    const small = sellMinNotionalRefusal(inst, base, book);
    if (small) return small;
    const poor = sellBalanceRefusal(inst, base, this.account.get(inst.base).free);
    if (poor) return poor;
    const walk = walkSellByBase(book.bids, base, inst.amountStep);
    const now = this.opts.clock.now();
    const order = newOrder(this.opts.ids.next(), inst, 'sell', clientOrderId, now, { requestedQuote: null, requestedBase: base });
    applyWalk(order, walk, inst, now, this.opts.ids);
    this.adopt(this.account.draft().addFree(inst.base, order.filledBase.neg()).addFree(inst.quote, order.filledQuote.minus(order.fee)));
    return ok(order);
  }

  private adopt(next: PaperAccount): void {
    this.account = next;
    this.balances.clear();
  }

  private bookFor(inst: Instrument): BookSides | null {
    let s = this.sides.get(inst.symbol);
    if (s === undefined) {
      const t = this.tickers.get(inst.symbol);
      s = t ? syntheticSides(t, inst, this.depth) : null;
      this.sides.set(inst.symbol, s);
    }
    return s;
  }
}
