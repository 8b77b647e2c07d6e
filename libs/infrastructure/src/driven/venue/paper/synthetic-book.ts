import { ONE, ZERO, dec, divOnGrid, quantize, type BookLevel, type Decimal, type Instrument, type OrderBook, type Ticker } from '@cab/domain';

/**
 * The book the paper broker fills against when the market gives only a ticker.
 *
 * Model (deterministic: the same ticker gives the same book): `levels` price levels per side,
 * the first at the touch (best ask / best bid), each next one `stepPct` of the touch further
 * away, each holding `levelQuote` of quote value (its base amount rounded down to the amount
 * step). Level prices are put on the tick grid away from the mid (asks up, bids down).
 *
 * So slippage grows with size: an order up to `levelQuote` fills at the touch; one of
 * k × levelQuote walks k levels and pays about stepPct × (k − 1) / 2 more on average; past
 * levels × levelQuote the book is exhausted and the IOC order fills partly.
 *
 * When the ticker's bid/ask are missing or crossed (a replayed candle gives only a close), the
 * touch is last ± half of `fallbackSpread`.
 */
export interface SyntheticDepth {
  levels: number;
  /** Distance between levels as a fraction of the touch price, e.g. "0.0005" = 5 bps. */
  stepPct: string;
  /** Quote value of each level, e.g. "25000". */
  levelQuote: string;
  /** Spread used when the ticker has no usable bid/ask. */
  fallbackSpread: string;
}

export const DEFAULT_DEPTH: SyntheticDepth = { levels: 20, stepPct: '0.0005', levelQuote: '25000', fallbackSpread: '0.0002' };

interface DepthConstants {
  /** 1 + k × stepPct and 1 − k × stepPct for each level k: the same for every book of this depth. */
  up: Decimal[];
  down: Decimal[];
  levelQuote: Decimal;
}

// A book is synthesized per order (and per risk check); its per-level factors only per depth.
const constants = new WeakMap<SyntheticDepth, DepthConstants>();

function constantsOf(depth: SyntheticDepth): DepthConstants {
  let c = constants.get(depth);
  if (!c) {
    const step = dec(depth.stepPct);
    const up: Decimal[] = [];
    const down: Decimal[] = [];
    for (let k = 0; k < depth.levels; k++) {
      const shift = step.times(String(k));
      up.push(ONE.plus(shift));
      down.push(ONE.minus(shift));
    }
    c = { up, down, levelQuote: dec(depth.levelQuote) };
    constants.set(depth, c);
  }
  return c;
}

/**
 * One side of a synthetic book, computed level by level as a walk reaches it (most market orders
 * touch one level; building all of them would cost more than the order). Iterating it again
 * reuses the levels already computed.
 */
export class SyntheticSide implements Iterable<BookLevel> {
  private readonly built: BookLevel[] = [];
  private readonly factors: readonly Decimal[];
  private readonly levelQuote: Decimal;

  constructor(
    private readonly touch: Decimal,
    private readonly away: 1 | -1,
    private readonly inst: Instrument,
    private readonly depth: SyntheticDepth,
  ) {
    const c = constantsOf(depth);
    this.factors = away === 1 ? c.up : c.down;
    this.levelQuote = c.levelQuote;
  }

  level(i: number): BookLevel | null {
    if (i >= this.depth.levels) return null;
    while (this.built.length <= i) {
      const raw = this.touch.times(this.factors[this.built.length] as Decimal);
      const price = quantize(raw, this.inst.priceTick, this.away === 1 ? 'up' : 'down');
      if (price.lte(ZERO)) return null;
      this.built.push({ price, amount: divOnGrid(this.levelQuote, price, this.inst.amountStep, 'down') });
    }
    return this.built[i] ?? null;
  }

  *[Symbol.iterator](): Iterator<BookLevel> {
    for (let i = 0; ; i++) {
      const l = this.level(i);
      if (!l) return;
      yield l;
    }
  }

  /** The first `n` levels (all of them when n is undefined). */
  take(n?: number): BookLevel[] {
    const out: BookLevel[] = [];
    for (const l of this) {
      if (n !== undefined && out.length >= n) break;
      out.push(l);
    }
    return out;
  }
}

/** A book whose sides are iterated best level first. Arrays (a real book) or SyntheticSides. */
export interface BookSides {
  symbol: string;
  ts: number;
  bids: Iterable<BookLevel>;
  asks: Iterable<BookLevel>;
}

/** Both sides of the synthetic book around a ticker; null when the ticker has no usable price. */
export function syntheticSides(t: Ticker, inst: Instrument, depth: SyntheticDepth): BookSides | null {
  let bid = t.bid;
  let ask = t.ask;
  if (bid.lte(ZERO) || ask.lte(ZERO) || ask.lt(bid)) {
    if (t.last.lte(ZERO)) return null;
    const half = dec(depth.fallbackSpread).div('2');
    bid = t.last.times(dec('1').minus(half));
    ask = t.last.times(dec('1').plus(half));
  }
  return { symbol: t.symbol, ts: t.ts, bids: new SyntheticSide(bid, -1, inst, depth), asks: new SyntheticSide(ask, 1, inst, depth) };
}

/**
 * The synthetic book as plain levels, at most `levels` per side (all of `depth.levels` by default).
 * Each side is an array whose levels are computed only when read: an entry's slippage check walks
 * one or two asks, and each level costs an exact division. Index reads and iteration build levels
 * up to what they reach; anything else (length, slice, JSON) builds the whole side first.
 */
export function synthesizeBook(t: Ticker, inst: Instrument, depth: SyntheticDepth, levels?: number): OrderBook | null {
  const sides = syntheticSides(t, inst, depth);
  return sides ? bookOfSides(sides, levels ?? depth.levels) : null;
}

/**
 * The same plain-levels view over sides already made by syntheticSides: a caller that also fills
 * against those sides (SimulatedVenue) computes each level once for the risk check and the fill.
 */
export function bookOfSides(sides: BookSides, levels: number): OrderBook {
  return { symbol: sides.symbol, ts: sides.ts, bids: lazyLevels(sides.bids as SyntheticSide, levels), asks: lazyLevels(sides.asks as SyntheticSide, levels) };
}

const INDEX = /^(0|[1-9]\d*)$/;

function lazyLevels(side: SyntheticSide, n: number): readonly BookLevel[] {
  const handler = new LazyLevels(side, n);
  return new Proxy(handler.all, handler);
}

/**
 * The Proxy handler of one lazy side: its state in fields and its traps as methods, so a book
 * costs two objects per side and no closures (a book is made per entry check and per fill).
 */
class LazyLevels implements ProxyHandler<BookLevel[]> {
  readonly all: BookLevel[] = [];
  private whole = false;

  constructor(
    private readonly side: SyntheticSide,
    private readonly n: number,
  ) {}

  at(i: number): BookLevel | undefined {
    return i < this.n ? (this.side.level(i) ?? undefined) : undefined;
  }

  get(target: BookLevel[], prop: string | symbol): unknown {
    // The walks read '0' (most orders touch one level), then the next indexes.
    if (prop === '0') return this.at(0);
    if (prop === Symbol.iterator) return levelsInOrder;
    if (typeof prop === 'string' && INDEX.test(prop)) return this.at(Number(prop));
    return Reflect.get(this.materialize(), prop, target);
  }

  has(_t: BookLevel[], prop: string | symbol): boolean {
    return Reflect.has(this.materialize(), prop);
  }

  ownKeys(): ArrayLike<string | symbol> {
    return Reflect.ownKeys(this.materialize());
  }

  getOwnPropertyDescriptor(_t: BookLevel[], prop: string | symbol): PropertyDescriptor | undefined {
    return Reflect.getOwnPropertyDescriptor(this.materialize(), prop);
  }

  private materialize(): BookLevel[] {
    if (!this.whole) {
      this.all.push(...this.side.take(this.n));
      this.whole = true;
    }
    return this.all;
  }
}

/** A lazy side's iterator: its levels by index (through the proxy: `this` is the side), best first. */
function* levelsInOrder(this: readonly BookLevel[]): Generator<BookLevel> {
  for (let i = 0; ; i++) {
    const l = this[i];
    if (!l) return;
    yield l;
  }
}

/** The best level of a side, or null when it is empty. */
export function bestLevel(side: Iterable<BookLevel>): BookLevel | null {
  for (const l of side) return l;
  return null;
}
