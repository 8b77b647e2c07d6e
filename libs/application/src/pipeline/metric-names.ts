/**
 * Every metric the pipeline emits through the Metrics port, so the prom-client adapter (apps) can
 * pre-register them with help texts. Labels are listed after each name.
 */
export const PIPELINE_METRICS = {
  /** counter {symbol, action}: strategy signals (buy|sell|hold). */
  signals: 'cab_signals_total',
  /** counter {symbol, code}: entries blocked by risk, one per reason code. */
  riskBlocked: 'cab_risk_blocked_total',
  /** counter {symbol, side, reason, outcome}: place-order outcomes (filled|partial|submitted|in_flight|rejected|failed|duplicate). */
  orders: 'cab_orders_total',
  /** histogram {side}: seconds from reserving the key to the stored answer. */
  orderSeconds: 'cab_order_seconds',
  /** counter {symbol, reason}: protective exits fired (EXIT.STOP_LOSS|EXIT.TRAILING_STOP|EXIT.TAKE_PROFIT). */
  exits: 'cab_exits_total',
  /** counter {symbol, scope}: reconcile mismatches (order|position|balance). */
  reconcileMismatches: 'cab_reconcile_mismatches_total',
  /** counter {symbol, scope}: reconcile repairs. */
  reconcileRepairs: 'cab_reconcile_repairs_total',
  /** counter {loop}: loop runs; errors; histogram {loop}: run seconds. */
  loopRuns: 'cab_loop_runs_total',
  loopErrors: 'cab_loop_errors_total',
  loopSeconds: 'cab_loop_seconds',
  /** gauge {loop}: seconds since the loop last finished (watchdog). */
  loopLagSeconds: 'cab_loop_lag_seconds',
  /** gauge: 0 active, 1 reducing, 2 halted. */
  tradingState: 'cab_trading_state',
  /** counter {code}: halts by cause. */
  halts: 'cab_halts_total',
  /** counter {outcome}: dead man's switch refreshes (ok|failed). */
  dmsRefresh: 'cab_dms_refresh_total',
  /** counter: DMS trips (loops stalled past DMS_TIMEOUT_MS). */
  dmsTrips: 'cab_dms_trips_total',
  /** gauge: the core's store writes that failed and wait to be retried (EventDriver's backlog, a 'store-backlog' fact; STORE.WRITE halts entries while > 0). */
  storeWriteBacklog: 'cab_store_write_backlog',
  /** gauge {symbol}: position in base (a size, not money accounting). */
  positionBase: 'cab_position_base',
} as const;

export const PIPELINE_METRIC_NAMES: readonly string[] = Object.values(PIPELINE_METRICS);
