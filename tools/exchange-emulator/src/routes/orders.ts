import type { EmuOrder } from '../engine/types';
import type { CreateOrderBody } from '../engine/exchange';
import { badParam } from '../gate-error';
import { orderJson } from '../gate-json';
import { intParam, need, type Route } from './types';

const side = (q: URLSearchParams): 'buy' | 'sell' | undefined => {
  const s = q.get('side');
  if (s === null || s === '') return undefined;
  if (s !== 'buy' && s !== 'sell') throw badParam('invalid argument: side');
  return s;
};

const checkAccount = (q: URLSearchParams): void => {
  const a = q.get('account');
  if (a && a !== 'spot') throw badParam(`account ${a} is not supported by the emulator (spot only)`);
};

const newestFirst = (xs: EmuOrder[]): EmuOrder[] => [...xs].sort((a, b) => b.createdMs - a.createdMs || Number(b.id) - Number(a.id));

export const orderRoutes: Route[] = [
  {
    method: 'POST',
    path: '/spot/orders',
    private: true,
    status: 201,
    handle: (req, ctx) => {
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw badParam('invalid request body');
      return orderJson(ctx.exchange.createOrder(req.body as CreateOrderBody, ctx.execution), ctx.exchange);
    },
  },
  {
    method: 'GET',
    path: '/spot/orders',
    private: true,
    handle: (req, { exchange }) => {
      checkAccount(req.query);
      const pair = exchange.pair(need(req.query, 'currency_pair')).id;
      const status = need(req.query, 'status');
      if (status !== 'open' && status !== 'finished') throw badParam('invalid argument: status');
      const from = req.query.get('from');
      const to = req.query.get('to');
      const s = side(req.query);
      const limit = intParam(req.query, 'limit', 100, 1000);
      const found = exchange.orders.filter(
        (o) =>
          o.pair === pair &&
          (status === 'open' ? o.status === 'open' : o.status !== 'open') &&
          (!s || o.side === s) &&
          (!from || o.createdMs >= Number(from) * 1000) &&
          (!to || o.createdMs <= Number(to) * 1000),
      );
      return newestFirst(found)
        .slice(0, limit)
        .map((o) => orderJson(o, exchange));
    },
  },
  {
    method: 'GET',
    path: '/spot/orders/:id',
    private: true,
    handle: (req, { exchange }) => {
      checkAccount(req.query);
      const pair = exchange.pair(need(req.query, 'currency_pair')).id;
      return orderJson(exchange.find(req.params['id'] ?? '', pair), exchange);
    },
  },
  {
    method: 'DELETE',
    path: '/spot/orders/:id',
    private: true,
    handle: (req, { exchange }) => {
      checkAccount(req.query);
      const pair = exchange.pair(need(req.query, 'currency_pair')).id;
      return orderJson(exchange.cancel(req.params['id'] ?? '', pair), exchange);
    },
  },
  {
    method: 'DELETE',
    path: '/spot/orders',
    private: true,
    handle: (req, { exchange }) => {
      checkAccount(req.query);
      const pair = exchange.pair(need(req.query, 'currency_pair')).id;
      return exchange.cancelAll(pair, side(req.query)).map((o) => orderJson(o, exchange));
    },
  },
  {
    method: 'GET',
    path: '/spot/open_orders',
    private: true,
    handle: (req, { exchange }) => {
      checkAccount(req.query);
      const only = req.query.get('currency_pair');
      const byPair = new Map<string, EmuOrder[]>();
      for (const o of newestFirst(exchange.openOrders(only ? exchange.pair(only).id : undefined))) {
        byPair.set(o.pair, [...(byPair.get(o.pair) ?? []), o]);
      }
      return [...byPair.entries()].map(([pair, os]) => ({ currency_pair: pair, total: String(os.length), orders: os.map((o) => orderJson(o, exchange)) }));
    },
  },
];
