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
  cab_orders_total: { type: 'counter', help: 'Orders sent to the broker, by outcome status', labels: ['symbol', 'side', 'status'] },
  cab_fills_total: { type: 'counter', help: 'Fills recorded (deduplicated by trade id)', labels: ['symbol', 'side'] },
  cab_trades_blocked_total: { type: 'counter', help: 'Trade intents blocked by risk, by reason code', labels: ['reason'] },
  cab_trades_failed_total: { type: 'counter', help: 'Trades that failed at the broker, by error code', labels: ['code'] },
  cab_loop_duration_seconds: { type: 'histogram', help: 'Duration of one run of an orchestrator loop', labels: ['loop'] },
  cab_loop_last_run_timestamp_seconds: { type: 'gauge', help: 'Unix time of the last finished run of a loop', labels: ['loop'] },
  cab_loop_errors_total: { type: 'counter', help: 'Runs of a loop that ended in an error', labels: ['loop'] },
  cab_position_base: { type: 'gauge', help: 'Base amount held (approximate, for dashboards)', labels: ['symbol'] },
  cab_pnl_realized_quote: { type: 'gauge', help: 'Realized PnL in quote, fees included (approximate)', labels: ['symbol'] },
  cab_pnl_unrealized_quote: { type: 'gauge', help: 'Unrealized PnL in quote at the last price (approximate)', labels: ['symbol'] },
  cab_equity_quote: { type: 'gauge', help: 'Account equity valued in quote (approximate)', labels: [] },
  cab_dlq_size: { type: 'gauge', help: 'Events waiting in the dead letter queue', labels: [] },
  cab_reconcile_mismatches_total: { type: 'counter', help: 'Differences reconciliation found, by kind', labels: ['kind'] },
  cab_http_requests_total: { type: 'counter', help: 'HTTP requests served, by route and status code', labels: ['method', 'route', 'status'] },
  cab_http_request_duration_seconds: { type: 'histogram', help: 'HTTP request duration', labels: ['method', 'route'] },
} as const satisfies Record<string, MetricSpec>;

export type CatalogueMetricName = keyof typeof METRIC_CATALOGUE;
