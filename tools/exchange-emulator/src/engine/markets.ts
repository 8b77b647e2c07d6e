import { dec, type Decimal } from '@cab/domain';

/** One spot pair as Gate's GET /spot/currency_pairs describes it (the fields ccxt reads). */
export interface PairSpec {
  id: string; // "BTC_USDT"
  base: string;
  quote: string;
  /** Taker/maker fee in percent, as Gate writes it: "0.2" = 0.2 %. */
  fee: string;
  minBaseAmount: string;
  minQuoteAmount: string;
  /** Decimal places of the amount (base) and of the price. */
  amountPrecision: number;
  precision: number;
  tradeStatus?: 'tradable' | 'untradable' | 'sellable' | 'buyable';
}

/**
 * Defaults close to Gate's real listings (BTC_USDT: amount precision 6, min_quote_amount 3 USDT,
 * fee 0.2 %), with price precision 2 so the 2022 candle file's cents survive.
 */
export const DEFAULT_PAIRS: PairSpec[] = [
  { id: 'BTC_USDT', base: 'BTC', quote: 'USDT', fee: '0.2', minBaseAmount: '0.00001', minQuoteAmount: '3', amountPrecision: 6, precision: 2 },
  { id: 'ETH_USDT', base: 'ETH', quote: 'USDT', fee: '0.2', minBaseAmount: '0.0001', minQuoteAmount: '3', amountPrecision: 4, precision: 2 },
];

/** Derived grid of a pair, as decimals. */
export class Pair {
  readonly amountStep: Decimal;
  readonly priceTick: Decimal;
  readonly feeRate: Decimal;
  readonly minBase: Decimal;
  readonly minQuote: Decimal;

  constructor(readonly spec: PairSpec) {
    this.amountStep = dec(`1e-${spec.amountPrecision}`);
    this.priceTick = dec(`1e-${spec.precision}`);
    this.feeRate = dec(spec.fee).div(dec('100'));
    this.minBase = dec(spec.minBaseAmount);
    this.minQuote = dec(spec.minQuoteAmount);
  }

  get id(): string {
    return this.spec.id;
  }

  /** The JSON Gate returns for this pair. */
  toGate(): Record<string, unknown> {
    const s = this.spec;
    return {
      id: s.id,
      base: s.base,
      base_name: s.base,
      quote: s.quote,
      quote_name: s.quote,
      fee: s.fee,
      min_base_amount: s.minBaseAmount,
      min_quote_amount: s.minQuoteAmount,
      max_quote_amount: '5000000',
      amount_precision: s.amountPrecision,
      precision: s.precision,
      trade_status: s.tradeStatus ?? 'tradable',
      sell_start: 0,
      buy_start: 0,
      type: 'normal',
    };
  }
}

/** Number of decimals written in a decimal string ("0.0100" → 4). */
export function decimalsOf(s: string): number {
  const t = s.trim().replace(/^[-+]/, '');
  const dot = t.indexOf('.');
  return dot < 0 ? 0 : t.length - dot - 1;
}
