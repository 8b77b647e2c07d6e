import type { Decimal, Strategy } from '@cab/domain';
import type { OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import type { PositionRecord } from '../ports/positions-repository';

/** One of our orders as the core holds it between its PlaceOrder and its last report. */
export interface OrderEntry {
  order: OrderRecord;
  /** Trade ids already counted for this order: a fill counts once however often it is reported (docs/lessons.md #11). */
  tradeIds: Set<string> | null;
  /** The core's sequence number when the order went in flight (an ambiguous answer); NaN while it has not. */
  inFlightSeq: number;
  /**
   * An order adopted from the venue whose row is being inserted: what the venue showed (applied once
   * the row is stored) and where the trade cursor is held if it cannot be (null: seen open, no trade).
   */
  adopting?: { readonly dto: OrderDTO; readonly holdFrom: number | null } | undefined;
}

/** What the core holds per symbol: everything a decision reads, in memory. */
export interface SymbolState {
  readonly symbol: string;
  readonly strategy: Strategy;
  position: PositionRecord;
  /**
   * Our orders sent and not settled yet — from the PlaceOrder that sent them (status `new`) to a
   * terminal status: one per side at a time. Recorded in the step that decides the order, so the
   * next decision sees it before any answer comes back.
   */
  readonly unsettled: Map<string, OrderEntry>;
  /** The sequence number of the last event that moved the position (a reconcile requested before it compares nothing here). */
  settledSeq: number;
  /** Idempotency keys reserved in the current bucket (a key names its bucket, so older ones can never come back). */
  keysBucket: number;
  readonly keys: Set<string>;
  /**
   * Client order ids of our orders in the current bucket. An id derives from its key, so a key
   * released after a 429 cannot place a second order in its bucket: the order with its id exists
   * (PlaceOrder: "order … exists already").
   */
  readonly orderIds: Set<string>;
  /** Last trade.blocked verdict (side, codes, bucket): reported once. */
  lastBlocked: string;
  /** The last signal published (a hold is published only when it follows another action: a sample, not one per candle). */
  lastSignal: 'buy' | 'sell' | 'hold' | null;
  /** openedAt of the position whose dust was reported (once per position). */
  dustReported: number | null;
  /** The venue's position as last reported a surplus (reported once per amount). */
  reportedSurplus: string;
  /** The venue's balance issues last reported, by subject (`USDT used`…), with the amount: reported once per amount. */
  readonly reportedBalances: Map<string, string>;
  /** Where the next reconcile reads the venue's trades from; null: never reconciled (the first look-back). */
  tradesSince: number | null;
  /** When the symbol's trades first could not all be read, until a pass reads them. */
  unreadSince: number | null;
  /**
   * Float shadows of the exit levels of the position's current exit state (see exitCannotMove):
   * peak, trailing stop, hard stop (−Infinity when off or not armed), take-profit (+Infinity when
   * off). `exitShadow` false: none yet for this state, the next check is exact.
   */
  exitShadow: boolean;
  fPeak: number;
  fTrail: number;
  fStop: number;
  fTakeProfit: number;
  /** The hard stop and take-profit `fStop` and `fTakeProfit` were made from (undefined: none yet); a level is the same object while its entry is (ExitPolicy). */
  stopShadowOf: Decimal | null | undefined;
  takeProfitShadowOf: Decimal | null | undefined;
  /** The peak and trailing stop `fPeak` and `fTrail` were made from (undefined: none yet): until a new peak, the peak is the entry's average price itself, a long quotient. */
  peakShadowOf: Decimal | undefined;
  trailShadowOf: Decimal | null | undefined;
}

export function newSymbolState(symbol: string, strategy: Strategy, position: PositionRecord): SymbolState {
  return {
    symbol,
    strategy,
    position,
    unsettled: new Map(),
    settledSeq: 0,
    keysBucket: Number.NaN,
    keys: new Set(),
    orderIds: new Set(),
    lastBlocked: '',
    lastSignal: null,
    dustReported: null,
    reportedSurplus: '',
    reportedBalances: new Map(),
    tradesSince: null,
    unreadSince: null,
    exitShadow: false,
    fPeak: 0,
    fTrail: 0,
    fStop: 0,
    fTakeProfit: 0,
    stopShadowOf: undefined,
    takeProfitShadowOf: undefined,
    peakShadowOf: undefined,
    trailShadowOf: undefined,
  };
}
