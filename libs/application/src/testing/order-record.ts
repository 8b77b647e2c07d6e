import { dec } from '@cab/domain';
import { T0 } from '@cab/domain/testing';
import type { OrderRecord } from '../ports/orders-repository';

/** An order row as the store keeps it: a market buy of 100 USDT on BTC/USDT, `new`, nothing filled, at T0; `over` replaces any field. */
export function anOrderRecord(over: Partial<OrderRecord> = {}): OrderRecord {
  return {
    clientOrderId: 'c-1',
    exchange: 'paper',
    exchangeOrderId: null,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'market',
    requestedQuote: dec('100'),
    requestedBase: null,
    status: 'new',
    filledBase: dec('0'),
    filledQuote: dec('0'),
    averagePrice: null,
    fee: dec('0'),
    feeCurrency: null,
    idempotencyKey: 'k',
    reason: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}
