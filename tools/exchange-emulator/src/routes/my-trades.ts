import { GateError } from '../gate-error';
import { tradeJson } from '../gate-json';
import { intParam, type Route } from './types';

const DAY_S = 86_400;
const WEEK_S = 7 * DAY_S;

/**
 * GET /spot/my_trades as Gate documents and answers it (gateapi SpotApi.listMyTrades;
 * gateapi-nodejs#13, gateapi-csharp#14):
 * - `from`/`to` are seconds and select by the ORDER's finish time (an open order's fills: by
 *   their own time). Without either, the last 7 days; with only `from`, the 7 days after it; with
 *   only `to`, the 7 days before it. A range over 30 days → INVALID_PARAM_VALUE "invalid time range".
 * - Newest first; `limit` up to 1000 (default 100) per 1-based `page`.
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
      const fromQ = req.query.has('from') ? intParam(req.query, 'from', 0) : null;
      const toQ = req.query.has('to') ? intParam(req.query, 'to', 0) : null;
      const toS = toQ ?? (fromQ !== null ? fromQ + WEEK_S : Math.floor(now() / 1000));
      const fromS = fromQ ?? toS - WEEK_S;
      if (toS < fromS || toS - fromS > 30 * DAY_S) throw new GateError(400, 'INVALID_PARAM_VALUE', 'invalid time range');
      const limit = intParam(req.query, 'limit', 100, 1000);
      const page = intParam(req.query, 'page', 1);
      if (page < 1) throw new GateError(400, 'INVALID_PARAM_VALUE', 'invalid argument: page');
      const finishedAt = new Map(exchange.orders.filter((o) => o.status !== 'open').map((o) => [o.id, o.updatedMs]));
      return exchange.trades
        .filter((t) => {
          const at = finishedAt.get(t.orderId) ?? t.ts;
          return (!pair || t.pair === pair) && (!orderId || t.orderId === orderId) && at >= fromS * 1000 && at < (toS + 1) * 1000;
        })
        .sort((a, b) => b.seq - a.seq)
        .slice((page - 1) * limit, page * limit)
        .map(tradeJson);
    },
  },
];
