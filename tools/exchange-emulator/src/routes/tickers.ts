import { dec, roundDp, str, ZERO } from '@cab/domain';
import type { Exchange } from '../engine/exchange';
import type { Route } from './types';

function ticker(ex: Exchange, pairId: string): Record<string, string> {
  const feed = ex.feed(pairId);
  const book = feed.orderBook();
  const day = feed.minuteCandles(1440);
  const last = feed.price();
  const first = day[0];
  let high = last;
  let low = last;
  let baseVol = ZERO;
  let quoteVol = ZERO;
  for (const c of day) {
    if (c.high.gt(high)) high = c.high;
    if (c.low.lt(low)) low = c.low;
    baseVol = baseVol.plus(c.volume);
    quoteVol = quoteVol.plus(c.volume.times(c.close));
  }
  const change = first && first.open.gt(ZERO) ? last.minus(first.open).div(first.open).times(dec('100')) : ZERO;
  return {
    currency_pair: pairId,
    last: str(last),
    lowest_ask: book.asks[0]?.price ?? '',
    highest_bid: book.bids[0]?.price ?? '',
    change_percentage: str(roundDp(change, 2, 'nearest')),
    base_volume: str(roundDp(baseVol, 10, 'nearest')),
    quote_volume: str(roundDp(quoteVol, 8, 'nearest')),
    high_24h: str(high),
    low_24h: str(low),
  };
}

export const tickerRoutes: Route[] = [
  {
    method: 'GET',
    path: '/spot/tickers',
    private: false,
    handle: (req, { exchange }) => {
      const pair = req.query.get('currency_pair');
      if (pair) return [ticker(exchange, exchange.pair(pair).id)];
      return [...exchange.pairs.keys()].map((p) => ticker(exchange, p));
    },
  },
];
