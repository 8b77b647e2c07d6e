// Test helpers for @cab/domain users: import from '@cab/domain/testing' in specs only.
import type { Clock } from './time/clock';
import { dec, type Decimal } from './money/decimal';
import type { BookLevel, OrderBook, Ticker } from './market/types';
import { Instrument, type InstrumentSpec } from './market/instrument';
import type { RiskConfig } from './risk/config';
import type { RiskState, TradeIntent } from './risk/types';
import { utcDayStart } from './time/clock';

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  constructor(private ms = 1_700_000_000_000) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): this {
    this.ms += ms;
    return this;
  }
  set(ms: number): this {
    this.ms = ms;
    return this;
  }
}

// SequentialIds lives in the main API (backtests need deterministic ids); re-exported here for specs.
export { SequentialIds } from './time/clock';

// ---- Builders: a valid default, overridden per test. ----

export const T0 = 1_700_000_000_000;

export function aTicker(over: Partial<Ticker> = {}): Ticker {
  return { symbol: 'BTC/USDT', bid: dec('40000'), ask: dec('40004'), last: dec('40002'), ts: T0, ...over };
}

/** A book from [price, amount] text pairs, best first. */
export function anOrderBook(bids: Array<[string, string]>, asks: Array<[string, string]>, over: Partial<OrderBook> = {}): OrderBook {
  const lv = ([p, a]: [string, string]): BookLevel => ({ price: dec(p), amount: dec(a) });
  return { symbol: 'BTC/USDT', bids: bids.map(lv), asks: asks.map(lv), ts: T0, ...over };
}

export function anInstrument(over: Partial<InstrumentSpec> = {}): Instrument {
  return new Instrument({
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    priceTick: '0.1',
    amountStep: '0.000001',
    minBase: '0.00001',
    minNotional: '3',
    takerFee: '0.002',
    makerFee: '0.002',
    ...over,
  });
}

/** Every limit set, loose enough that the default state and intent pass. */
export function aRiskConfig(over: Partial<RiskConfig> = {}): RiskConfig {
  return {
    cooldownSec: 60,
    maxSpreadPct: dec('0.005'),
    maxPositionBase: dec('1'),
    maxOrdersPerHour: 10,
    dailyLossLimitQuote: dec('100'),
    maxFeePct: dec('0.003'),
    maxSlippagePct: dec('0.002'),
    lossStreakMax: 3,
    lossStreakPauseSec: 3600,
    maxDrawdownQuote: dec('500'),
    maxOpenPositions: 5,
    maxTotalExposureQuote: dec('1000000'),
    ...over,
  };
}

export function aRiskState(over: Partial<RiskState> = {}): RiskState {
  return {
    tradingState: 'active',
    ticker: aTicker(),
    orderBook: anOrderBook(
      [
        ['40000', '1'],
        ['39990', '2'],
      ],
      [
        ['40004', '0.5'],
        ['40010', '2'],
      ],
    ),
    feeRate: dec('0.002'),
    positionBase: dec('0'),
    lastTradeTs: {},
    recentOrderTs: [],
    daily: { dayStart: utcDayStart(T0), realizedQuote: dec('0'), feesQuote: dec('0') },
    recentTrades: [],
    equityPeakQuote: dec('10000'),
    equityQuote: dec('10000'),
    ...over,
  };
}

export function aBuyIntent(over: Partial<TradeIntent> = {}): TradeIntent {
  return { symbol: 'BTC/USDT', side: 'buy', quoteAmount: dec('100'), ts: T0, ...over };
}

export function aSellIntent(base: Decimal | string = '0.01', over: Partial<TradeIntent> = {}): TradeIntent {
  return { symbol: 'BTC/USDT', side: 'sell', baseAmount: typeof base === 'string' ? dec(base) : base, ts: T0, ...over };
}
