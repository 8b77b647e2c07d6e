import { familyOf, metricNames } from './support/promql';

describe('metricNames (PromQL → the metric names it reads)', () => {
  it.each([
    ['up{job=~"cab-server|cab-worker"} == 0', ['up']],
    ['time() - cab_loop_last_run_timestamp_seconds > 120', ['cab_loop_last_run_timestamp_seconds']],
    ['sum by (job, instance, scope) (increase(cab_reconcile_mismatches_total[15m])) > 0', ['cab_reconcile_mismatches_total']],
    [
      'sum by (job, loop) (rate(cab_loop_errors_total[10m]))\n / sum by (job, loop) (rate(cab_loop_runs_total[10m])) > 0.1',
      ['cab_loop_errors_total', 'cab_loop_runs_total'],
    ],
    ['a / on (instance) group_left (symbol) b unless ignoring (x) c', ['a', 'b', 'c']],
    ['cab_x / cab_y >= 0.8 and cab_y > 0', ['cab_x', 'cab_y']],
    ['histogram_quantile(0.95, sum by (loop, le) (rate(cab_loop_seconds_bucket{instance=~"$instance"}[$__rate_interval])))', ['cab_loop_seconds_bucket']],
    ['sum(increase(cab_orders_total{outcome=~"failed|rejected", symbol="BTC/USDT"}[5m] offset 1h))', ['cab_orders_total']],
    ['label_replace(cab_a, "dst", "$1", "src", "(.*)")', ['cab_a']],
    ['vector(1) + Inf + NaN', []],
  ])('%s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});

describe('familyOf', () => {
  const histograms = new Set(['cab_loop_seconds']);
  it.each([
    ['cab_loop_seconds_bucket', 'cab_loop_seconds'],
    ['cab_loop_seconds_count', 'cab_loop_seconds'],
    ['cab_loop_seconds_sum', 'cab_loop_seconds'],
    ['cab_orders_total', 'cab_orders_total'],
    ['cab_other_seconds_bucket', 'cab_other_seconds_bucket'],
  ])('%s → %s', (series, family) => {
    expect(familyOf(series, histograms)).toBe(family);
  });
});
