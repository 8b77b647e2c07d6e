// A known day of trading for the reports, HTTP and CLI specs: two closed round trips (a win and a
// loss) and one open position, with Gate's fee currencies (buy fee in base, sell fee in quote).
import type { FillRecord, FillsRepository, OrdersRepository, PositionsRepository } from '@cab/application';

/** What the seed needs of a storage (a SqliteStorage has all of it). */
export interface SeedableStorage {
  orders: OrdersRepository;
  fills: FillsRepository;
  positions: PositionsRepository;
}
import { dec } from '@cab/domain';

/** 2026-11-23 00:00 UTC. */
export const SEED_DAY = Date.UTC(2026, 10, 23);
const H = 3_600_000;

const LEGS: Leg[] = [
  { id: '1', side: 'buy', amount: '0.002', price: '50000', fee: '0.000002', feeCurrency: 'BTC', hour: 1 },
  { id: '2', side: 'sell', amount: '0.001998', price: '51000', fee: '0.1019', feeCurrency: 'USDT', hour: 2 },
  { id: '3', side: 'buy', amount: '0.001', price: '51000', fee: '0.000001', feeCurrency: 'BTC', hour: 3 },
  { id: '4', side: 'sell', amount: '0.000999', price: '50000', fee: '0.04995', feeCurrency: 'USDT', hour: 4 },
  { id: '5', side: 'buy', amount: '0.001', price: '50000', fee: '0.000001', feeCurrency: 'BTC', hour: 5 },
];

/** Expected figures, worked out by hand (see the comments) rather than by the code under test. */
export const SEED_EXPECTED = {
  // 1.998 (trade 1) − 0.999 (trade 2)
  realizedQuote: '0.999',
  // 0.1 + 0.1019 + 0.051 + 0.04995 + 0.05
  feesQuote: '0.35285',
  netQuote: '0.64615',
  // 100 + 101.898 + 51 + 49.95 + 50
  volumeQuote: '352.848',
  positionBase: '0.000999',
  avgEntry: '50000',
};

/** One filled market order and its fill, as the bot records them (Gate's fee currencies). */
export interface Leg {
  id: string;
  side: 'buy' | 'sell';
  amount: string;
  price: string;
  fee: string;
  feeCurrency: string;
  hour: number;
}

/** Records legs as filled orders with one fill each, `hour` hours into `day`. */
export async function insertLegs(storage: SeedableStorage, symbol: string, legs: readonly Leg[], day = SEED_DAY): Promise<void> {
  for (const leg of legs) {
    const ts = day + leg.hour * H;
    const amount = dec(leg.amount);
    const price = dec(leg.price);
    const cost = amount.times(price);
    const clientOrderId = `cab-seed-${leg.id}`;
    const inserted = await storage.orders.insert({
      clientOrderId,
      exchange: 'paper',
      exchangeOrderId: `x-${leg.id}`,
      symbol,
      side: leg.side,
      type: 'market',
      requestedQuote: leg.side === 'buy' ? cost : null,
      requestedBase: leg.side === 'sell' ? amount : null,
      status: 'filled',
      filledBase: amount,
      filledQuote: cost,
      averagePrice: price,
      fee: dec(leg.fee),
      feeCurrency: leg.feeCurrency,
      idempotencyKey: null,
      reason: 'seed',
      createdAt: ts,
      updatedAt: ts,
    });
    if (!inserted.ok) throw new Error(inserted.message);
    const fill: FillRecord = {
      exchange: 'paper',
      tradeId: `t-${leg.id}`,
      clientOrderId,
      exchangeOrderId: `x-${leg.id}`,
      symbol,
      side: leg.side,
      price,
      amount,
      cost,
      fee: dec(leg.fee),
      feeCurrency: leg.feeCurrency,
      ts,
    };
    await storage.fills.insertMany([fill]);
  }
}

export async function seedTrades(storage: SeedableStorage, day = SEED_DAY): Promise<void> {
  await insertLegs(storage, 'BTC/USDT', LEGS, day);
  const last = day + 5 * H;
  const saved = await storage.positions.save({
    symbol: 'BTC/USDT',
    baseQty: dec(SEED_EXPECTED.positionBase),
    avgEntry: dec(SEED_EXPECTED.avgEntry),
    realizedPnl: dec('0.69615'), // net of the two round trips: 1.7961 − 1.09995
    feesQuote: dec('0.05'),
    peakPrice: dec('50000'),
    stopPrice: dec('49000'),
    trailingStopPrice: null,
    trailingActive: false,
    openedAt: last,
    updatedAt: last,
    version: 0,
  });
  if (!saved.ok) throw new Error(saved.message);
}
