import { dec, quantize, type BookLevel, type Instrument, type OrderBook, type Ticker } from '@cab/domain';

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

export function synthesizeBook(t: Ticker, inst: Instrument, depth: SyntheticDepth): OrderBook | null {
  let bid = t.bid;
  let ask = t.ask;
  if (bid.lte('0') || ask.lte('0') || ask.lt(bid)) {
    if (t.last.lte('0')) return null;
    const half = dec(depth.fallbackSpread).div('2');
    bid = t.last.times(dec('1').minus(half));
    ask = t.last.times(dec('1').plus(half));
  }
  const step = dec(depth.stepPct);
  const levelQuote = dec(depth.levelQuote);
  const asks: BookLevel[] = [];
  const bids: BookLevel[] = [];
  for (let i = 0; i < depth.levels; i++) {
    const away = step.times(String(i));
    const askPrice = quantize(ask.times(dec('1').plus(away)), inst.priceTick, 'up');
    const bidPrice = quantize(bid.times(dec('1').minus(away)), inst.priceTick, 'down');
    asks.push({ price: askPrice, amount: inst.qty(levelQuote.div(askPrice)) });
    if (bidPrice.gt('0')) bids.push({ price: bidPrice, amount: inst.qty(levelQuote.div(bidPrice)) });
  }
  return { symbol: t.symbol, bids, asks, ts: t.ts };
}
