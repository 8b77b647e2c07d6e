import { tradeJson } from '../gate-json';
import { intParam, type Route } from './types';

export const myTradeRoutes: Route[] = [
  {
    method: 'GET',
    path: '/spot/my_trades',
    private: true,
    handle: (req, { exchange }) => {
      const pairQ = req.query.get('currency_pair');
      const pair = pairQ ? exchange.pair(pairQ).id : undefined;
      const orderId = req.query.get('order_id');
      const from = req.query.get('from');
      const to = req.query.get('to');
      const limit = intParam(req.query, 'limit', 100, 1000);
      return exchange.trades
        .filter(
          (t) =>
            (!pair || t.pair === pair) &&
            (!orderId || t.orderId === orderId) &&
            (!from || t.ts >= Number(from) * 1000) &&
            (!to || t.ts <= Number(to) * 1000),
        )
        .sort((a, b) => b.seq - a.seq)
        .slice(0, limit)
        .map(tradeJson);
    },
  },
];
