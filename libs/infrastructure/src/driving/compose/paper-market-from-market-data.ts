import type { MarketData } from '@cab/application';
import type { OrderBook, Ticker } from '@cab/domain';
import type { PaperMarket } from '../../driven/venue/paper/paper-market';

/**
 * The paper broker's prices come from the same MarketData the strategy sees (replay, synthetic or
 * the exchange's public API), so paper fills match the signals' market. No book: the broker
 * synthesizes a deterministic one around the ticker.
 */
export function paperMarketFrom(md: MarketData): PaperMarket {
  return {
    async ticker(symbol: string): Promise<Ticker | null> {
      const t = await md.ticker(symbol);
      return t.ok ? { symbol, bid: t.value.bid, ask: t.value.ask, last: t.value.last, ts: t.value.ts } : null;
    },
    async book(): Promise<OrderBook | null> {
      return null;
    },
  };
}
