import { PIPELINE_METRIC_NAMES } from '@cab/application';
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
    const m = new PromMetrics({ processMetrics: false, strict: true });
    m.counter('cab_orders_total', { symbol: 'BTC/USDT', side: 'buy', outcome: 'filled' });
    m.counter('cab_orders_total', { outcome: 'filled', side: 'buy', symbol: 'BTC/USDT' }, 2);
    m.gauge('cab_dlq_size', 4);
    m.histogram('cab_loop_seconds', 0.03, { loop: 'eval' });
    const text = await m.text();
    expect(text).toContain('cab_orders_total{symbol="BTC/USDT",side="buy",outcome="filled"} 3');
    expect(text).toContain('cab_dlq_size 4');
    expect(text).toContain('cab_loop_seconds_count{loop="eval"} 1');
    expect(text).toContain('cab_loop_seconds_bucket{le="0.05",loop="eval"} 1');
  });

  it('creates an unknown metric on first use, keeping the labels of that first call', async () => {
    const m = new PromMetrics({ processMetrics: false, strict: true });
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
    const m = new PromMetrics({ processMetrics: false, strict: true });
    const record = () => (type === 'counter' ? m.counter(name) : m.gauge(name, 1));
    expect(record).toThrow(MetricDefinitionError);
  });

  it('refuses a negative counter increment', () => {
    expect(() => new PromMetrics({ processMetrics: false, strict: true }).counter('cab_trades_completed_total', { symbol: 'X/Y', side: 'buy' }, -1)).toThrow(
      RangeError,
    );
  });

  it('puts the default labels (the bot label: BOT_ID) on every series, process metrics and histogram buckets included', async () => {
    const m = new PromMetrics({ strict: true, defaultLabels: { bot: 'bot-a' } });
    m.counter('cab_orders_total', { symbol: 'BTC/USDT', side: 'buy', outcome: 'filled' });
    m.histogram('cab_loop_seconds', 0.03, { loop: 'eval' });
    const text = await m.text();
    expect(text).toContain('cab_orders_total{symbol="BTC/USDT",side="buy",outcome="filled",bot="bot-a"} 1');
    expect(text).toContain('cab_loop_seconds_bucket{le="0.05",bot="bot-a",loop="eval"} 1');
    expect(text).toContain('cab_dlq_size{bot="bot-a"} 0');
    expect(text).toMatch(/^cab_process_cpu_user_seconds_total\{bot="bot-a"\} /m);
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(50);
    expect(samples.filter((l) => !l.includes('bot="bot-a"'))).toEqual([]);
  });

  it('refuses a metric that uses a default label name as its own, and a bad default label name', () => {
    const m = new PromMetrics({ processMetrics: false, strict: true, defaultLabels: { bot: 'bot-a' } });
    expect(() => m.counter('cab_widgets_total', { bot: 'x' })).toThrow(/label bot is a default label/);
    expect(() => new PromMetrics({ processMetrics: false, defaultLabels: { 'Bad-Label': 'x' } })).toThrow(MetricDefinitionError);
  });

  it('two instances do not share a registry', async () => {
    const a = new PromMetrics({ processMetrics: false, strict: true });
    const b = new PromMetrics({ processMetrics: false, strict: true });
    a.gauge('cab_equity_quote', 10);
    expect(await b.text()).toContain('cab_equity_quote 0');
  });

  it('outside strict mode a misused metric is counted, never thrown into the pipeline', async () => {
    const m = new PromMetrics({ processMetrics: false });
    expect(() => m.counter('cab_orders_total', { wrong: 'x' })).not.toThrow();
    expect(() => m.gauge('cab_orders_total', 1, { symbol: 'a', side: 'b', outcome: 'c' })).not.toThrow();
    expect(await m.text()).toContain('cab_metrics_errors_total{metric="cab_orders_total"} 2');
  });

  it('every pipeline metric is in the catalogue with the labels the pipeline sends', () => {
    for (const name of PIPELINE_METRIC_NAMES) expect(Object.keys(METRIC_CATALOGUE)).toContain(name);
  });

  it('refreshes collected gauges on each scrape; a failing collector does not break /metrics', async () => {
    const m = new PromMetrics({ processMetrics: false, strict: true });
    let n = 0;
    m.onScrape(async () => m.gauge('cab_dlq_size', ++n));
    m.onScrape(async () => {
      throw new Error('db locked');
    });
    expect(await m.text()).toContain('cab_dlq_size 1');
    const second = await m.text();
    expect(second).toContain('cab_dlq_size 2');
    expect(second).toContain('cab_metrics_errors_total{metric="collector"} 2');
  });
});
