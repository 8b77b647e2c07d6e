import { METRIC_CATALOGUE } from './metric-catalogue';
import { MetricDefinitionError, PromMetrics } from './prom-metrics';

describe('PromMetrics', () => {
  it('exposes process metrics and every catalogue name before anything is recorded', async () => {
    const text = await new PromMetrics().text();
    expect(text).toContain('cab_process_cpu_user_seconds_total');
    expect(text).toContain('cab_nodejs_eventloop_lag_seconds');
    for (const name of Object.keys(METRIC_CATALOGUE)) expect(text).toContain(`# TYPE ${name} `);
  });

  it('records counters, gauges and histograms with their labels', async () => {
    const m = new PromMetrics({ processMetrics: false });
    m.counter('cab_orders_total', { symbol: 'BTC/USDT', side: 'buy', status: 'filled' });
    m.counter('cab_orders_total', { status: 'filled', side: 'buy', symbol: 'BTC/USDT' }, 2);
    m.gauge('cab_dlq_size', 4);
    m.histogram('cab_loop_duration_seconds', 0.03, { loop: 'eval' });
    const text = await m.text();
    expect(text).toContain('cab_orders_total{symbol="BTC/USDT",side="buy",status="filled"} 3');
    expect(text).toContain('cab_dlq_size 4');
    expect(text).toContain('cab_loop_duration_seconds_count{loop="eval"} 1');
    expect(text).toContain('cab_loop_duration_seconds_bucket{le="0.05",loop="eval"} 1');
  });

  it('creates an unknown metric on first use, keeping the labels of that first call', async () => {
    const m = new PromMetrics({ processMetrics: false });
    m.counter('cab_widgets_total', { kind: 'a' });
    expect(await m.text()).toContain('cab_widgets_total{kind="a"} 1');
    expect(() => m.counter('cab_widgets_total', { other: 'x' })).toThrow(MetricDefinitionError);
    expect(() => m.gauge('cab_widgets_total', 1, { kind: 'a' })).toThrow(/is a counter, used as a gauge/);
  });

  it.each([
    ['orders_total', 'counter'],
    ['cab_orders', 'counter'],
    ['cab_Bad_total', 'counter'],
    ['cab_size_total', 'gauge'],
  ] as const)('refuses the name %s for a %s', (name, type) => {
    const m = new PromMetrics({ processMetrics: false });
    const record = () => (type === 'counter' ? m.counter(name) : m.gauge(name, 1));
    expect(record).toThrow(MetricDefinitionError);
  });

  it('refuses a negative counter increment', () => {
    expect(() => new PromMetrics({ processMetrics: false }).counter('cab_fills_total', { symbol: 'X/Y', side: 'buy' }, -1)).toThrow(RangeError);
  });

  it('two instances do not share a registry', async () => {
    const a = new PromMetrics({ processMetrics: false });
    const b = new PromMetrics({ processMetrics: false });
    a.gauge('cab_equity_quote', 10);
    expect(await b.text()).toContain('cab_equity_quote 0');
  });
});
