import { ZERO, dec, powerOfTenPlaces, quantize, roundDp, str, type Decimal, type DecimalInput, type Rounding } from '../money/decimal';

/** Why an order does not fit the exchange's grid. Stable codes: the risk audit and the broker share them. */
export type InstrumentDenyReason =
  | { code: 'INSTRUMENT.QTY_NOT_POSITIVE'; message: string }
  | { code: 'INSTRUMENT.PRICE_NOT_POSITIVE'; message: string }
  | { code: 'INSTRUMENT.QTY_OFF_GRID'; message: string }
  | { code: 'INSTRUMENT.MIN_BASE'; message: string }
  | { code: 'INSTRUMENT.MIN_NOTIONAL'; message: string };

export interface InstrumentSpec {
  /** Unified symbol, e.g. "BTC/USDT". */
  symbol: string;
  base: string;
  quote: string;
  /** Price tick, e.g. "0.01". */
  priceTick: DecimalInput;
  /** Amount step in base, e.g. "0.000001". */
  amountStep: DecimalInput;
  /** Smallest base amount the exchange accepts (0 = none). */
  minBase: DecimalInput;
  /** Smallest order value in quote (0 = none). Gate calls it min_quote_amount. */
  minNotional: DecimalInput;
  /** Fee rates as fractions: "0.002" = 0.2 %. */
  takerFee: DecimalInput;
  makerFee: DecimalInput;
}

/**
 * An instrument owns its grid: every quantity and price is quantized here, once, before an
 * order leaves the application layer (docs/lessons.md #6: min size and precision rejections).
 */
export class Instrument {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly priceTick: Decimal;
  readonly amountStep: Decimal;
  readonly minBase: Decimal;
  readonly minNotional: Decimal;
  readonly takerFee: Decimal;
  readonly makerFee: Decimal;

  constructor(spec: InstrumentSpec) {
    this.symbol = spec.symbol;
    this.base = spec.base;
    this.quote = spec.quote;
    this.priceTick = dec(spec.priceTick);
    this.amountStep = dec(spec.amountStep);
    this.minBase = dec(spec.minBase);
    this.minNotional = dec(spec.minNotional);
    this.takerFee = dec(spec.takerFee);
    this.makerFee = dec(spec.makerFee);
    if (this.priceTick.lte(ZERO)) throw new RangeError(`${spec.symbol}: priceTick must be > 0`);
    if (this.amountStep.lte(ZERO)) throw new RangeError(`${spec.symbol}: amountStep must be > 0`);
    if (this.minBase.lt(ZERO) || this.minNotional.lt(ZERO)) throw new RangeError(`${spec.symbol}: minimums must be >= 0`);
  }

  /** Quantity on the amount grid; 'down' by default so we never try to sell more than we hold. */
  qty(raw: DecimalInput, rounding: Rounding = 'down'): Decimal {
    return quantize(dec(raw), this.amountStep, rounding);
  }

  /** Price on the tick grid, to the nearest tick by default. */
  price(raw: DecimalInput, rounding: Rounding = 'nearest'): Decimal {
    return quantize(dec(raw), this.priceTick, rounding);
  }

  /** Null when (qty, price) is an order the exchange would accept; otherwise the first reason it would not. */
  check(qty: Decimal, price: Decimal): InstrumentDenyReason | null {
    if (qty.lte(ZERO)) return { code: 'INSTRUMENT.QTY_NOT_POSITIVE', message: `${this.symbol}: quantity ${str(qty)} must be > 0` };
    if (price.lte(ZERO)) return { code: 'INSTRUMENT.PRICE_NOT_POSITIVE', message: `${this.symbol}: price ${str(price)} must be > 0` };
    if (!this.onGrid(qty))
      return { code: 'INSTRUMENT.QTY_OFF_GRID', message: `${this.symbol}: quantity ${str(qty)} is not a multiple of ${str(this.amountStep)}` };
    if (qty.lt(this.minBase))
      return { code: 'INSTRUMENT.MIN_BASE', message: `${this.symbol}: quantity ${str(qty)} ${this.base} is below the minimum ${str(this.minBase)}` };
    const notional = qty.times(price);
    if (notional.lt(this.minNotional))
      return {
        code: 'INSTRUMENT.MIN_NOTIONAL',
        message: `${this.symbol}: order value ${str(notional)} ${this.quote} is below the minimum ${str(this.minNotional)}`,
      };
    return null;
  }

  /**
   * `check(qty, price) === null` without the reason's text: the dust test asks this of every sell
   * that leaves a remainder, twice (the position and the risk ledger), and reads no message.
   */
  accepts(qty: Decimal, price: Decimal): boolean {
    return qty.gt(ZERO) && price.gt(ZERO) && this.onGrid(qty) && qty.gte(this.minBase) && qty.times(price).gte(this.minNotional);
  }

  /** On the amount grid: a power-of-ten step (every Gate grid) is a count of decimal places, checked without a division. */
  private onGrid(qty: Decimal): boolean {
    const dp = powerOfTenPlaces(this.amountStep);
    return dp === null ? qty.mod(this.amountStep).eq(ZERO) : roundDp(qty, dp, 'down').eq(qty);
  }

  /** Whether a quote amount can buy at least the minimum (used before a market buy by cost). */
  checkQuote(quoteAmount: Decimal): InstrumentDenyReason | null {
    if (quoteAmount.lte(ZERO)) return { code: 'INSTRUMENT.QTY_NOT_POSITIVE', message: `${this.symbol}: amount ${str(quoteAmount)} must be > 0` };
    if (quoteAmount.lt(this.minNotional))
      return {
        code: 'INSTRUMENT.MIN_NOTIONAL',
        message: `${this.symbol}: order value ${str(quoteAmount)} ${this.quote} is below the minimum ${str(this.minNotional)}`,
      };
    return null;
  }
}

/** "BTC/USDT" → { base: "BTC", quote: "USDT" }; throws on anything else. */
export function splitSymbol(symbol: string): { base: string; quote: string } {
  const m = /^([A-Z0-9]+)\/([A-Z0-9]+)$/.exec(symbol);
  if (!m || !m[1] || !m[2]) throw new RangeError(`not a spot symbol like BTC/USDT: ${JSON.stringify(symbol)}`);
  return { base: m[1], quote: m[2] };
}
