// The orders the intent-log specs write ahead, in the spec and in children/intent-writer.ts alike.
import type { OrderRecord } from '@cab/application';
import { dec } from '@cab/domain';
import { anOrder } from './fixtures';

/** The idempotency TTL every intent of these specs is written with. */
export const INTENT_TTL_MS = 3_600_000;

/** The i-th order written ahead at `at`: its own client id, key and amount (money as a decimal string with many digits). */
export function intentOrder(i: number, at: number): OrderRecord {
  return anOrder({
    clientOrderId: `iw-${i}`,
    idempotencyKey: `BTC/USDT:buy:${i}`,
    requestedQuote: dec(`${100 + i}.123456789012345678`),
    reason: `signal: intent ${i}`,
    createdAt: at,
    updatedAt: at,
  });
}

/** The order row SQLite must hold for intentOrder(i, at) (columns as the orders table keeps them). */
export function intentRow(i: number, at: number): Record<string, unknown> {
  return {
    bot_id: 'default',
    client_order_id: `iw-${i}`,
    exchange: 'paper',
    exchange_order_id: null,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'market',
    requested_quote: `${100 + i}.123456789012345678`,
    requested_base: null,
    status: 'new',
    filled_base: '0',
    filled_quote: '0',
    average_price: null,
    fee: '0',
    fee_currency: null,
    idempotency_key: `BTC/USDT:buy:${i}`,
    reason: `signal: intent ${i}`,
    created_at: at,
    updated_at: at,
  };
}
