/**
 * Metrics port: the minimum the application needs, by metric name and labels. The prom-client
 * adapter registers a metric the first time it sees a name (label names taken from that first
 * call), so callers keep one label set per name. Metric values are counts, seconds and sizes:
 * plain numbers are fine here; money never goes into a metric value, only into labels or logs.
 *
 * Names follow Prometheus conventions: `cab_` prefix, `_total` for counters, base units
 * (`_seconds`, `_bytes`).
 */
export type MetricLabels = Readonly<Record<string, string>>;

export interface Metrics {
  /** Adds `by` (default 1, must be ≥ 0) to a counter. */
  counter(name: string, labels?: MetricLabels, by?: number): void;
  /** Sets a gauge to `value`. */
  gauge(name: string, value: number, labels?: MetricLabels): void;
  /** Records one observation (a duration in seconds, a size) in a histogram. */
  histogram(name: string, value: number, labels?: MetricLabels): void;
}

export const noopMetrics: Metrics = {
  counter: () => undefined,
  gauge: () => undefined,
  histogram: () => undefined,
};
