import { intParam, need, type Route } from './types';

let bookId = 1;

export const orderBookRoutes: Route[] = [
  {
    method: 'GET',
    path: '/spot/order_book',
    private: false,
    handle: (req, { exchange, now }) => {
      const pair = exchange.pair(need(req.query, 'currency_pair'));
      const limit = intParam(req.query, 'limit', 10, 100);
      const book = exchange.feed(pair.id).orderBook();
      const t = now();
      return {
        ...(req.query.get('with_id') === 'true' ? { id: bookId++ } : {}),
        current: t,
        update: t,
        asks: book.asks.slice(0, limit).map((l) => [l.price, l.amount]),
        bids: book.bids.slice(0, limit).map((l) => [l.price, l.amount]),
      };
    },
  },
];
