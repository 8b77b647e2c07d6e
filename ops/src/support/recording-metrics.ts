import type { MetricLabels, Metrics } from '@cab/application';

export type RecordedType = 'counter' | 'gauge' | 'histogram';

export interface RecordedUse {
  name: string;
  type: RecordedType;
  /** Label names, sorted. */
  labels: string[];
}

export interface RejectedUse extends RecordedUse {
  message: string;
}

/**
 * Wraps the real Metrics adapter and records every name, type and label set the code uses. When the
 * adapter refuses a use (a label set that differs from the declared one throws
 * MetricDefinitionError) the refusal is recorded and swallowed, so one run of the bot reveals every
 * disagreement instead of stopping at the first.
 */
export class RecordingMetrics implements Metrics {
  readonly uses = new Map<string, RecordedUse>();
  readonly rejected = new Map<string, RejectedUse>();

  constructor(private readonly inner: Metrics) {}

  counter(name: string, labels: MetricLabels = {}, by?: number): void {
    this.call(name, 'counter', labels, () => this.inner.counter(name, labels, by));
  }

  gauge(name: string, value: number, labels: MetricLabels = {}): void {
    this.call(name, 'gauge', labels, () => this.inner.gauge(name, value, labels));
  }

  histogram(name: string, value: number, labels: MetricLabels = {}): void {
    this.call(name, 'histogram', labels, () => this.inner.histogram(name, value, labels));
  }

  private call(name: string, type: RecordedType, labels: MetricLabels, run: () => void): void {
    const use = { name, type, labels: Object.keys(labels).sort() };
    this.uses.set(`${name}|${type}|${use.labels.join(',')}`, use);
    try {
      run();
    } catch (err) {
      this.rejected.set(name, { ...use, message: err instanceof Error ? err.message : String(err) });
    }
  }
}
