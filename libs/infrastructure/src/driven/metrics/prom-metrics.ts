import type { MetricLabels, Metrics } from '@cab/application';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRIC_CATALOGUE, type MetricSpec, type MetricType } from './metric-catalogue';

export interface PromMetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, handles) with the cab_ prefix. Default true. */
  processMetrics?: boolean;
  /** Declared up front; default METRIC_CATALOGUE. */
  catalogue?: Readonly<Record<string, MetricSpec>>;
  /** Histogram buckets in seconds. */
  buckets?: number[];
  /**
   * Throw on a misused metric (wrong type or labels). Specs turn it on; in the running bot a
   * metric bug must not break a trade, so it is counted in cab_metrics_errors_total instead.
   */
  strict?: boolean;
  /**
   * Labels put on every series, process metrics included: `{ bot: BOT_ID }` in the apps, so one
   * Prometheus and one dashboard tell the bots of a shared database apart (docs/metrics.md,
   * "The bot label"). A metric may not use one of these names as a label of its own.
   */
  defaultLabels?: Readonly<Record<string, string>>;
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

interface Entry {
  type: MetricType;
  labels: readonly string[];
  metric: AnyMetric;
}

const NAME_RE = /^cab_[a-z][a-z0-9_]*$/;
const LABEL_RE = /^[a-z][a-z0-9_]*$/;
const DEFAULT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A misnamed metric or a changed label set is a programming error, caught by tests. */
export class MetricDefinitionError extends Error {}

/**
 * The Metrics port over prom-client. One Registry per instance (never prom-client's global one,
 * so two apps in one test process do not collide). A metric is created the first time its name is
 * used, with the label names of that first call; Prometheus conventions are enforced: a `cab_`
 * prefix, counters end in `_total`, nothing else does.
 */
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly entries = new Map<string, Entry>();
  private readonly buckets: number[];
  private readonly strict: boolean;
  private readonly collectors: (() => Promise<void>)[] = [];
  private readonly defaultLabelNames: ReadonlySet<string>;

  constructor(options: PromMetricsOptions = {}) {
    this.buckets = options.buckets ?? DEFAULT_BUCKETS;
    this.strict = options.strict ?? false;
    const defaults = options.defaultLabels ?? {};
    this.defaultLabelNames = new Set(Object.keys(defaults));
    for (const name of this.defaultLabelNames) {
      if (!LABEL_RE.test(name)) throw new MetricDefinitionError(`default label name ${JSON.stringify(name)} must match ${LABEL_RE.source}`);
    }
    // Before any metric exists: prom-client adds them to every series at exposition.
    if (this.defaultLabelNames.size > 0) this.registry.setDefaultLabels({ ...defaults });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'cab_' });
    for (const [name, spec] of Object.entries(options.catalogue ?? METRIC_CATALOGUE)) this.define(name, spec);
  }

  counter(name: string, labels: MetricLabels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`counter ${name}: increment must be >= 0, got ${by}`);
    const m = this.get(name, 'counter', labels) as Counter<string> | null;
    m?.inc(labels, by);
  }

  gauge(name: string, value: number, labels: MetricLabels = {}): void {
    (this.get(name, 'gauge', labels) as Gauge<string> | null)?.set(labels, value);
  }

  histogram(name: string, value: number, labels: MetricLabels = {}): void {
    (this.get(name, 'histogram', labels) as Histogram<string> | null)?.observe(labels, value);
  }

  /** Runs before each scrape: gauges read from state (positions, DLQ size) are refreshed there. */
  onScrape(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  /** The text exposition format for GET /metrics. A failing collector leaves its gauges as they were. */
  async text(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c().catch(() => this.counter('cab_metrics_errors_total', { metric: 'collector' }))));
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private get(name: string, type: MetricType, labels: MetricLabels): AnyMetric | null {
    try {
      const names = Object.keys(labels).sort();
      const entry = this.entries.get(name) ?? this.define(name, { type, help: `${name} (recorded by the bot)`, labels: names });
      if (entry.type !== type) throw new MetricDefinitionError(`metric ${name} is a ${entry.type}, used as a ${type}`);
      if (entry.labels.length !== names.length || entry.labels.some((l, i) => l !== names[i])) {
        throw new MetricDefinitionError(`metric ${name} has labels [${entry.labels.join(', ')}], got [${names.join(', ')}]`);
      }
      return entry.metric;
    } catch (e) {
      if (this.strict || !(e instanceof MetricDefinitionError) || name === 'cab_metrics_errors_total') throw e;
      this.counter('cab_metrics_errors_total', { metric: name });
      return null;
    }
  }

  private define(name: string, spec: MetricSpec): Entry {
    if (!NAME_RE.test(name)) throw new MetricDefinitionError(`metric name ${JSON.stringify(name)} must match ${NAME_RE.source}`);
    if ((spec.type === 'counter') !== name.endsWith('_total')) {
      throw new MetricDefinitionError(`metric ${name}: counters, and only counters, end in _total`);
    }
    const labelNames = [...spec.labels].sort();
    const clash = labelNames.find((l) => this.defaultLabelNames.has(l));
    if (clash) throw new MetricDefinitionError(`metric ${name}: label ${clash} is a default label, put on every series already`);
    const config = { name, help: spec.help, labelNames, registers: [this.registry] };
    const metric: AnyMetric =
      spec.type === 'counter' ? new Counter(config) : spec.type === 'gauge' ? new Gauge(config) : new Histogram({ ...config, buckets: this.buckets });
    const entry: Entry = { type: spec.type, labels: labelNames, metric };
    this.entries.set(name, entry);
    return entry;
  }
}
