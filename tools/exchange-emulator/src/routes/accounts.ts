import { str } from '@cab/domain';
import type { Route } from './types';

export const accountRoutes: Route[] = [
  {
    method: 'GET',
    path: '/spot/accounts',
    private: true,
    handle: (req, { exchange }) => {
      const only = req.query.get('currency');
      return [...exchange.balances.entries()]
        .filter(([cur]) => !only || cur === only)
        .map(([currency, b], i) => ({ currency, available: str(b.available), locked: str(b.locked), update_id: i + 1 }));
    },
  },
];
