import type { Decimal, ExitPolicy, RiskManager, StrategyFactory, Clock } from '@cab/domain';
import type { FillRecord } from '../ports/fills-repository';
import type { VenueView } from './venue-view';

export interface TradingCoreOptions {
  symbols: readonly string[];
  /** Makes one running strategy per symbol. */
  strategy: StrategyFactory;
  risk: RiskManager;
  exits: ExitPolicy;
  /** FIXED_AMOUNT: quote spent on each entry. */
  fixedAmount: Decimal;
  /** IDEMPOTENCY_BUCKET_MS. */
  bucketMs: number;
  /** Read while deciding (rules, balances, book); orders leave as PlaceOrder commands. */
  venue: VenueView;
  /** Virtual in a backtest: the driver moves it before each event. */
  clock: Clock;
  /** Make Publish commands for the facts (signals, risk verdicts, orders, exits, halts…); off: none are made. */
  publish?: boolean;
  /** Make Persist commands for what changed (orders, fills, positions, halts); off: none (a backtest persists nothing). */
  persist?: boolean;
  /**
   * How long an order left in flight may still be in transit to the venue: a reconcile's "not
   * found" closes it only after this long in flight. Default 60 s.
   */
  notFoundGraceMs?: number;
  /** Relative tolerance of the position against the venue's balance (default 0.001), never below one amount step. */
  reconcileTolerancePct?: Decimal;
}

/** A fill of one of our orders, with why the order was placed (the report lists both). */
export interface CoreFill {
  readonly fill: FillRecord;
  readonly reason: string;
}
