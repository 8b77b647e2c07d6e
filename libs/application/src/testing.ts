// Test helpers for @cab/application: import from '@cab/application/testing' in specs only.
import type { BrokerResult } from './ports/broker';
import type { DeadLetterEntry, DeadLetterSink } from './ports/dead-letter';
import type { LogFields, Logger } from './ports/logger';
import type { MetricLabels, Metrics } from './ports/metrics';

/** Keeps dead letters in memory; `failWith` makes `put` reject, to test a broken store. */
export class InMemoryDeadLetterSink implements DeadLetterSink {
  readonly entries: DeadLetterEntry[] = [];
  failWith: Error | null = null;

  async put(entry: DeadLetterEntry): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.entries.push(entry);
  }
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface LogEntry {
  level: LogLevel;
  msg: string;
  fields: Record<string, unknown>;
}

/** A Logger that records entries (children share the parent's list, with their fields merged). */
export class RecordingLogger implements Logger {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly bound: LogFields = {},
  ) {}
  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }
  child(fields: LogFields): Logger {
    return new RecordingLogger(this.entries, { ...this.bound, ...fields });
  }
  /** Entries at `level` (all when omitted). */
  at(level?: LogLevel): LogEntry[] {
    return level ? this.entries.filter((e) => e.level === level) : this.entries;
  }
  /** Everything logged, as one JSON text: to assert a secret never appears. */
  text(): string {
    return JSON.stringify(this.entries);
  }
  private log(level: LogLevel, msg: string, fields?: LogFields): void {
    this.entries.push({ level, msg, fields: { ...this.bound, ...(fields ?? {}) } });
  }
}

const key = (name: string, labels?: MetricLabels): string =>
  `${name}${JSON.stringify(Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;

/** A Metrics that remembers counter totals, last gauge values and histogram observations. */
export class RecordingMetrics implements Metrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, number>();
  private readonly observations = new Map<string, number[]>();

  counter(name: string, labels?: MetricLabels, by = 1): void {
    if (by < 0) throw new RangeError(`counter ${name} cannot go down (by=${by})`);
    const k = key(name, labels);
    this.counters.set(k, (this.counters.get(k) ?? 0) + by);
  }
  gauge(name: string, value: number, labels?: MetricLabels): void {
    this.gauges.set(key(name, labels), value);
  }
  histogram(name: string, value: number, labels?: MetricLabels): void {
    const k = key(name, labels);
    this.observations.set(k, [...(this.observations.get(k) ?? []), value]);
  }
  /** Counter total for exactly these labels (0 when never incremented). */
  count(name: string, labels?: MetricLabels): number {
    return this.counters.get(key(name, labels)) ?? 0;
  }
  /** Sum of a counter over all label sets. */
  countAll(name: string): number {
    let n = 0;
    for (const [k, v] of this.counters) if (k.startsWith(`${name}[`)) n += v;
    return n;
  }
  gaugeValue(name: string, labels?: MetricLabels): number | undefined {
    return this.gauges.get(key(name, labels));
  }
  observed(name: string, labels?: MetricLabels): readonly number[] {
    return this.observations.get(key(name, labels)) ?? [];
  }
}

export { deferred, type Deferred } from './testing/deferred';

// Test helpers for @cab/application users: import from '@cab/application/testing' in specs only.
export * from './testing/in-memory-storage';

/** The value of a broker call a spec expects to succeed; its error, in the message, when it did not. */
export function value<T>(r: BrokerResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind} ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** The kind and code of a broker call a spec expects to fail. */
export function errorOf(r: BrokerResult<unknown>): { kind: string; code: string } {
  if (r.ok) throw new Error('expected an error');
  return { kind: r.error.kind, code: r.error.code };
}
export { remoteControlled } from './testing/remote-controlled-strategy';
export { ScriptedVenue } from './testing/scripted-venue';
export { TEST_VENUE_CAPABILITIES } from './testing/venue-capabilities';
export * from './testing/core-fixture';
export { anOrderRecord } from './testing/order-record';
