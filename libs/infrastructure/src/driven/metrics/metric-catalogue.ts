/**
 * The bot's own metrics, declared up front so /metrics lists every name from the first scrape
 * (a dashboard or an alert on a metric that has not happened yet still finds it). Code may record
 * a name that is not here: it is then registered on first use with a generic help text.
 *
 * Gauges of money (position, PnL, equity) are float64 approximations for dashboards only; the
 * exact figures live in SQLite and /api/*.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  type: MetricType;
  help: string;
  labels: readonly string[];
}

export const METRIC_CATALOGUE = {
  // Emitted by the pipeline (@cab/application PIPELINE_METRICS); labels as the pipeline sends them.
  cab_signals_total: { type: 'counter', help: 'Strategy signals, by action (buy|sell|hold)', labels: ['symbol', 'action'] },
  cab_risk_blocked_total: { type: 'counter', help: 'Entries blocked by risk, one per reason code', labels: ['symbol', 'code'] },
  cab_orders_total: {
    type: 'counter',
    help: 'Place-order outcomes (filled|partial|submitted|in_flight|rejected|failed|duplicate)',
    labels: ['symbol', 'side', 'outcome'],
  },
  cab_order_seconds: { type: 'histogram', help: "Seconds from the order's write-ahead (idempotency key and row) to the venue's answer", labels: ['side'] },
  cab_exits_total: { type: 'counter', help: 'Protective exits fired, by reason', labels: ['symbol', 'reason'] },
  cab_reconcile_mismatches_total: { type: 'counter', help: 'Differences reconciliation found (order|position|balance)', labels: ['symbol', 'scope'] },
  cab_reconcile_repairs_total: { type: 'counter', help: 'Repairs reconciliation made', labels: ['symbol', 'scope'] },
  cab_loop_runs_total: { type: 'counter', help: 'Runs of an orchestrator loop', labels: ['loop'] },
  cab_loop_errors_total: { type: 'counter', help: 'Runs of a loop that ended in an error', labels: ['loop'] },
  cab_loop_seconds: { type: 'histogram', help: 'Duration of one run of an orchestrator loop', labels: ['loop'] },
  cab_loop_lag_seconds: { type: 'gauge', help: 'Seconds since the loop last finished (watchdog)', labels: ['loop'] },
  cab_trading_state: { type: 'gauge', help: 'Trading state: 0 active, 1 reducing, 2 halted', labels: [] },
  cab_halts_total: { type: 'counter', help: 'Trading halts by cause', labels: ['code'] },
  cab_dms_refresh_total: { type: 'counter', help: "Dead man's switch refreshes (ok|failed)", labels: ['outcome'] },
  cab_dms_trips_total: { type: 'counter', help: "Dead man's switch trips (loops stalled past DMS_TIMEOUT_MS)", labels: [] },
  cab_store_write_backlog: {
    type: 'gauge',
    help: 'Store writes of the trading core that failed and wait to be retried (STORE.WRITE halts entries while > 0)',
    labels: [],
  },
  cab_position_base: { type: 'gauge', help: 'Base amount held (approximate, for dashboards)', labels: ['symbol'] },
  // Set by the apps' business metrics collector (observability/business-metrics.ts).
  cab_trades_completed_total: { type: 'counter', help: 'Trades completed (orders filled in full or in part)', labels: ['symbol', 'side'] },
  cab_trades_blocked_total: { type: 'counter', help: 'Trade intents blocked (trade.blocked events)', labels: ['symbol'] },
  cab_loop_last_run_timestamp_seconds: { type: 'gauge', help: 'Unix time of the start of the last finished run of a loop', labels: ['loop'] },
  cab_pnl_realized_quote: { type: 'gauge', help: 'Realized PnL in quote, fees included (approximate)', labels: ['symbol'] },
  cab_pnl_unrealized_quote: { type: 'gauge', help: 'Unrealized PnL in quote at the last price (approximate)', labels: ['symbol'] },
  cab_equity_quote: { type: 'gauge', help: 'Account equity valued in quote: free quote + held base at the last price (approximate)', labels: [] },
  cab_dlq_size: { type: 'gauge', help: 'Events waiting in the dead letter queue', labels: [] },
  cab_reconcile_last_success_timestamp_seconds: {
    type: 'gauge',
    help: 'Unix time of the last reconcile pass that completed (with or without mismatches)',
    labels: [],
  },
  cab_broker_circuit_open: { type: 'gauge', help: '1 while the exchange circuit breaker is open or half-open, else 0 (always 0 in paper mode)', labels: [] },
  cab_risk_daily_loss_quote: {
    type: 'gauge',
    help: "The current UTC day's net realized loss in quote (realized PnL and fees; 0 in profit), as the daily-loss rule counts it",
    labels: [],
  },
  cab_risk_daily_loss_limit_quote: { type: 'gauge', help: 'RISK_DAILY_LOSS_LIMIT_QUOTE (0 = no limit)', labels: [] },
  cab_orchestrator_running: { type: 'gauge', help: '1 while the orchestrator runs, else 0', labels: [] },
  cab_http_requests_total: { type: 'counter', help: 'HTTP requests served, by route and status code', labels: ['method', 'route', 'status'] },
  cab_http_request_duration_seconds: { type: 'histogram', help: 'HTTP request duration', labels: ['method', 'route'] },
  cab_metrics_errors_total: { type: 'counter', help: 'Metric calls refused (wrong type or label set: a bug to fix)', labels: ['metric'] },
} as const satisfies Record<string, MetricSpec>;

export type CatalogueMetricName = keyof typeof METRIC_CATALOGUE;
