import type { Route } from './types';

/** Gate's dead man's switch: cancel the pair's open orders unless refreshed within `timeout` s. */
export const countdownRoutes: Route[] = [
  {
    method: 'POST',
    path: '/spot/countdown_cancel_all',
    private: true,
    handle: (req, { exchange }) => {
      const b = (req.body ?? {}) as { timeout?: unknown; currency_pair?: unknown };
      return { triggerTime: exchange.countdown(b.timeout, b.currency_pair) };
    },
  },
];
