import { accountRoutes } from './accounts';
import { candleRoutes } from './candlesticks';
import { countdownRoutes } from './countdown';
import { marketRoutes } from './markets';
import { myTradeRoutes } from './my-trades';
import { orderBookRoutes } from './order-book';
import { orderRoutes } from './orders';
import { tickerRoutes } from './tickers';
import type { Route } from './types';

export const ROUTES: Route[] = [
  ...marketRoutes,
  ...tickerRoutes,
  ...orderBookRoutes,
  ...candleRoutes,
  ...accountRoutes,
  ...orderRoutes,
  ...myTradeRoutes,
  ...countdownRoutes,
];

/** Finds the route for a method and path; `:name` segments become params. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | null {
  const parts = path.split('/');
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pat = route.path.split('/');
    if (pat.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pat.length; i++) {
      const p = pat[i] as string;
      const v = parts[i] as string;
      if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(v);
      else if (p !== v) {
        ok = false;
        break;
      }
    }
    if (ok) return { route, params };
  }
  return null;
}
