import type { Route } from './types';

export const marketRoutes: Route[] = [
  {
    method: 'GET',
    path: '/spot/currency_pairs',
    private: false,
    handle: (_req, { exchange }) => [...exchange.pairs.values()].map((p) => p.toGate()),
  },
  {
    method: 'GET',
    path: '/spot/currency_pairs/:pair',
    private: false,
    handle: (req, { exchange }) => exchange.pair(req.params['pair']).toGate(),
  },
  // ccxt's loadMarkets asks for margin pairs too; the emulator has none.
  { method: 'GET', path: '/margin/currency_pairs', private: false, handle: () => [] },
  { method: 'GET', path: '/spot/time', private: false, handle: (_req, { now }) => ({ server_time: String(now()) }) },
  // Without options.unifiedAccount=false ccxt asks for the key mode; 1 = classic account.
  { method: 'GET', path: '/account/detail', private: true, handle: () => ({ user_id: 10001, key: { mode: 1 } }) },
];
