import type { GateClient } from './gate-client';

/** ccxt's private state behind loadMarkets (base/Exchange.js): the one load promise it hands every caller. */
interface MarketsLoadingState {
  loadMarkets(reload?: boolean, params?: object): Promise<unknown>;
  marketsLoading?: Promise<unknown>;
  reloadingMarkets?: boolean;
}

const HEALING = Symbol('forgetsFailedMarketLoads');

/**
 * ccxt keeps the FIRST loadMarkets promise for the client's whole life, rejected ones included:
 * after one 502 on GET /spot/currency_pairs every later call (loadMarkets itself, and every
 * fetchTicker/fetchOHLCV/createOrder, which call it first) answers that same old error, so one
 * failed load disabled the bot until a restart. This wraps the client's loadMarkets so a load that
 * failed is forgotten the moment it fails: the next call asks the venue again. A successful load is
 * kept as before. Every ccxt client of the project is built by makeGateClient, which applies this;
 * it is idempotent.
 */
export function forgetFailedMarketLoads<T extends GateClient>(client: T): T {
  const ex = client as unknown as MarketsLoadingState & { [HEALING]?: true };
  if (ex[HEALING]) return client;
  const original = ex.loadMarkets.bind(client);
  ex.loadMarkets = async (reload?: boolean, params?: object): Promise<unknown> => {
    const answer = original(reload, params);
    // loadMarkets stores its promise synchronously, before its first await.
    const loading = ex.marketsLoading;
    try {
      return await answer;
    } catch (e) {
      // Only the load that failed: a newer one (started meanwhile) is left alone.
      if (ex.marketsLoading === loading) {
        ex.marketsLoading = undefined;
        ex.reloadingMarkets = false;
      }
      throw e;
    }
  };
  ex[HEALING] = true;
  return client;
}
