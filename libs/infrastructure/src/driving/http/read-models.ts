import type { FillsRepository, OrderRecord, OrdersRepository, PositionRecord, PositionsRepository } from '@cab/application';
import { str, unrealizedPnl, ZERO, type Decimal, type OrderStatus } from '@cab/domain';
import type { DustSource } from '../reports/dust-source';
import { performanceReport, type PerformanceReport, type PriceSource } from '../reports/performance-report';

/** What /api/* serves. Amounts are decimal strings. */
export interface ApiReadModels {
  /** Newest first; `offset` skips that many of the newest (paging). */
  trades(query: { symbol?: string; since?: number; limit: number; offset?: number }): Promise<TradeView[]>;
  positions(): Promise<PositionView[]>;
  pnl(day: number): Promise<PerformanceReport>;
}

export interface TradeView {
  clientOrderId: string;
  exchangeOrderId: string | null;
  symbol: string;
  side: string;
  status: string;
  filledBase: string;
  filledQuote: string;
  averagePrice: string | null;
  fee: string;
  feeCurrency: string | null;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PositionView {
  symbol: string;
  baseQty: string;
  avgEntry: string;
  realizedPnl: string;
  feesQuote: string;
  stopPrice: string | null;
  trailingStopPrice: string | null;
  trailingActive: boolean;
  markPrice: string | null;
  unrealizedPnl: string | null;
  openedAt: number | null;
  updatedAt: number;
}

const TRADED: readonly OrderStatus[] = ['filled', 'partial', 'canceled'];

const opt = (d: Decimal | null): string | null => (d === null ? null : str(d));

export function tradeView(o: OrderRecord): TradeView {
  return {
    clientOrderId: o.clientOrderId,
    exchangeOrderId: o.exchangeOrderId,
    symbol: o.symbol,
    side: o.side,
    status: o.status,
    filledBase: str(o.filledBase),
    filledQuote: str(o.filledQuote),
    averagePrice: opt(o.averagePrice),
    fee: str(o.fee),
    feeCurrency: o.feeCurrency,
    reason: o.reason,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

function positionView(p: PositionRecord, mark: Decimal | null): PositionView {
  const held = p.baseQty.gt(ZERO);
  return {
    symbol: p.symbol,
    baseQty: str(p.baseQty),
    avgEntry: str(p.avgEntry),
    realizedPnl: str(p.realizedPnl),
    feesQuote: str(p.feesQuote),
    stopPrice: opt(p.stopPrice),
    trailingStopPrice: opt(p.trailingStopPrice),
    trailingActive: p.trailingActive,
    markPrice: opt(mark),
    unrealizedPnl:
      mark && held
        ? str(
            unrealizedPnl(
              { symbol: p.symbol, base: p.baseQty, costQuote: p.baseQty.times(p.avgEntry), realizedQuote: ZERO, feesQuote: ZERO, openedTs: p.openedAt },
              mark,
            ),
          )
        : held
          ? null
          : '0',
    openedAt: p.openedAt,
    updatedAt: p.updatedAt,
  };
}

export interface StorageReadModelsOptions {
  orders: OrdersRepository;
  fills: FillsRepository;
  positions: PositionsRepository;
  symbols: readonly string[];
  prices?: PriceSource;
  /** What is dust per symbol (the broker's instruments in the apps); default the shipped Gate minimums. */
  dust?: DustSource;
}

/** The /api/* read models over the storage repositories. A trade is an order that filled (in part). */
export function storageReadModels(o: StorageReadModelsOptions): ApiReadModels {
  return {
    async trades({ symbol, since, limit, offset = 0 }) {
      // Canceled orders can carry a partial fill; those with nothing filled are dropped after the query.
      // The repository has no offset: a page is cut from the newest offset+limit orders.
      const orders = await o.orders.find({ statuses: TRADED, ...(symbol ? { symbol } : {}), ...(since !== undefined ? { since } : {}), limit: offset + limit });
      return orders
        .slice(offset)
        .filter((x) => x.filledBase.gt(ZERO))
        .map(tradeView);
    },
    async positions() {
      const all = await o.positions.all();
      return Promise.all(all.map(async (p) => positionView(p, o.prices ? await o.prices(p.symbol) : null)));
    },
    pnl(day) {
      return performanceReport({ fills: o.fills, symbols: o.symbols, day, ...(o.prices ? { prices: o.prices } : {}), ...(o.dust ? { dust: o.dust } : {}) });
    },
  };
}
