import { badParam } from '../gate-error';
import { tradeJson } from '../gate-json';
import { intParam, type Route } from './types';

const DAY_S = 86_400;

/**
 * GET /spot/my_trades as Gate documents it (gateapi SpotApi.listMyTrades): newest first, `limit`
 * up to 1000 (default 100) per `page` (1-based); without `from` only the 7 days before `to` (default
 * now) are listed, and a range longer than 30 days is refused. `from`/`to` are seconds, both ends
 * inclusive to the second.
 */
export const myTradeRoutes: Route[] = [
  {
    method: 'GET',
    path: '/spot/my_trades',
    private: true,
    handle: (req, { exchange, now }) => {
      const pairQ = req.query.get('currency_pair');
      const pair = pairQ ? exchange.pair(pairQ).id : undefined;
      const orderId = req.query.get('order_id');
      const toS = req.query.has('to') ? intParam(req.query, 'to', 0) : Math.floor(now() / 1000);
      const fromS = req.query.has('from') ? intParam(req.query, 'from', 0) : toS - 7 * DAY_S;
      if (toS - fromS > 30 * DAY_S) throw badParam('The time range between from and to cannot exceed 30 days');
      const limit = intParam(req.query, 'limit', 100, 1000);
      const page = intParam(req.query, 'page', 1);
      if (page < 1) throw badParam('invalid argument: page');
      return exchange.trades
        .filter((t) => (!pair || t.pair === pair) && (!orderId || t.orderId === orderId) && t.ts >= fromS * 1000 && t.ts < (toS + 1) * 1000)
        .sort((a, b) => b.seq - a.seq)
        .slice((page - 1) * limit, page * limit)
        .map(tradeJson);
    },
  },
];
