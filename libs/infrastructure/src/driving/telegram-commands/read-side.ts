import { errorText, type Broker, type FillsRepository, type OrdersRepository, type PositionsRepository } from '@cab/application';
import { splitSymbol, str, type Clock } from '@cab/domain';
import { storageReadModels, type PositionView, type TradeView } from '../http/read-models';
import type { DustSource } from '../reports/dust-source';
import type { PriceSource } from '../reports/performance-report';
import { pnlHistory, type PnlHistory } from '../reports/pnl-history';

/** One currency of the account: free and locked (in open orders), decimal strings. */
export interface BalanceLine {
  currency: string;
  free: string;
  used: string;
  /** A quote currency of a traded symbol: printed to the cent. */
  quote: boolean;
}

export interface Balances {
  lines: BalanceLine[];
  /** Symbols whose balance could not be read, with the broker's reason. */
  errors: string[];
}

/** What the read-only commands show; the controls go through TradingControl instead. */
export interface TelegramReadSide {
  /** The pipeline's clock: "today" is its UTC day (candle time in a paper replay, as /api/pnl). */
  now(): number;
  positions(): Promise<PositionView[]>;
  /** The newest trades first (an order that filled, in whole or in part: /api/trades' view). */
  trades(limit: number): Promise<TradeView[]>;
  balances(): Promise<Balances>;
  history(): Promise<PnlHistory>;
}

export interface StoreReadSideOptions {
  orders: OrdersRepository;
  fills: FillsRepository;
  positions: PositionsRepository;
  broker: Pick<Broker, 'fetchBalance'>;
  symbols: readonly string[];
  clock: Clock;
  prices?: PriceSource;
  dust?: DustSource;
}

/** The read side over the bot's own stores and broker: the same read models /api/* serves. */
export function storeReadSide(o: StoreReadSideOptions): TelegramReadSide {
  const models = storageReadModels({
    orders: o.orders,
    fills: o.fills,
    positions: o.positions,
    symbols: o.symbols,
    ...(o.prices ? { prices: o.prices } : {}),
    ...(o.dust ? { dust: o.dust } : {}),
  });
  return {
    now: () => o.clock.now(),
    positions: () => models.positions(),
    trades: (limit) => models.trades({ limit }),
    history: () => pnlHistory({ fills: o.fills, symbols: o.symbols, ...(o.dust ? { dust: o.dust } : {}) }),
    async balances() {
      const seen = new Map<string, BalanceLine>();
      const errors: string[] = [];
      for (const symbol of o.symbols) {
        const r = await o.broker.fetchBalance(symbol).catch((e: unknown) => ({ ok: false as const, error: { code: 'BROKER.ERROR', message: errorText(e) } }));
        if (!r.ok) {
          errors.push(`${symbol}: ${r.error.code} ${r.error.message}`);
          continue;
        }
        const { base, quote } = splitSymbol(symbol);
        seen.set(base, { currency: base, free: str(r.value.freeBase), used: str(r.value.usedBase), quote: seen.get(base)?.quote ?? false });
        seen.set(quote, { currency: quote, free: str(r.value.freeQuote), used: str(r.value.usedQuote), quote: true });
      }
      // Quote currencies first (what the bot spends), then the coins it holds.
      const lines = [...seen.values()].sort((a, b) => Number(b.quote) - Number(a.quote) || a.currency.localeCompare(b.currency));
      return { lines, errors };
    },
  };
}
