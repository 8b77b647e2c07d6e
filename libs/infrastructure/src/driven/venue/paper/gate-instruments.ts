import type { InstrumentSpec } from '@cab/domain';

/**
 * Gate-like defaults for the paper broker, after Gate's GET /spot/currency_pairs (amount_precision
 * 6 for BTC_USDT and 4 for ETH_USDT, min_quote_amount "3", fee "0.2" %). The price tick is 0.01
 * for both so paper prices read like quotes; pass your own specs (e.g. from the live exchange's
 * markets) to model a pair exactly.
 */
export const GATE_LIKE_INSTRUMENTS: readonly InstrumentSpec[] = [
  {
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    priceTick: '0.01',
    amountStep: '0.000001',
    minBase: '0.00001',
    minNotional: '3',
    takerFee: '0.002',
    makerFee: '0.002',
  },
  {
    symbol: 'ETH/USDT',
    base: 'ETH',
    quote: 'USDT',
    priceTick: '0.01',
    amountStep: '0.0001',
    minBase: '0.0001',
    minNotional: '3',
    takerFee: '0.002',
    makerFee: '0.002',
  },
];
