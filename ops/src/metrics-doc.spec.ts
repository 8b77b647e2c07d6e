import { METRIC_CATALOGUE, PromMetrics } from '@cab/infrastructure';
import { readAlertRules } from './support/alert-rules';
import { conventionProblems, readMetricsDoc } from './support/metrics-doc';
import { runPaperSession } from './support/paper-session';
import { metricNames } from './support/promql';
import { RecordingMetrics } from './support/recording-metrics';
import { whereNamed } from './support/source-names';

/**
 * Keeps docs/metrics.md true: against the conventions, against the code that names metrics, and
 * against the live registry of a paper bot composed with the real prom-client adapter.
 */
const doc = readMetricsDoc();
const rows = new Map(doc.metrics.map((m) => [m.name, m]));
const isProcess = (name: string): boolean => doc.prefixes.some((p) => name.startsWith(p));
const disagreeing = new Set(doc.disagreements.map((d) => d.name));
const labelNamesOf = (prom: PromMetrics, name: string): string[] =>
  [...((prom.registry.getSingleMetric(name) as unknown as { labelNames?: string[] } | undefined)?.labelNames ?? [])].sort();

describe('docs/metrics.md', () => {
  it('lists metrics, each once', () => {
    expect(doc.metrics.length).toBeGreaterThan(20);
    expect(new Set(doc.metrics.map((m) => m.name)).size).toBe(doc.metrics.length);
  });

  it.each(doc.metrics.map((m) => [m.name, m] as const))('%s follows the conventions (cab_, _total counters, _seconds histograms, base units)', (_n, m) => {
    expect(conventionProblems(m)).toEqual([]);
  });

  it('rejects what breaks the conventions (the checker can fail)', () => {
    const base = { labels: [], meaning: 'a meaningful sentence', source: 'x', status: 'emitted' as const };
    expect(conventionProblems({ ...base, name: 'cab_orders', type: 'counter' })).not.toEqual([]);
    expect(conventionProblems({ ...base, name: 'cab_depth_total', type: 'gauge' })).not.toEqual([]);
    expect(conventionProblems({ ...base, name: 'cab_loop_ms', type: 'histogram' })).not.toEqual([]);
    expect(conventionProblems({ ...base, name: 'orders_total', type: 'counter' })).not.toEqual([]);
    expect(conventionProblems({ ...base, name: 'cab_last_timestamp', type: 'gauge' })).not.toEqual([]);
    expect(conventionProblems({ ...base, name: 'cab_x_seconds', type: 'histogram', labels: ['le'] })).not.toEqual([]);
  });

  it("documents prom-client's process metrics by their prefixes", () => {
    expect(doc.prefixes).toEqual(['cab_process_', 'cab_nodejs_']);
  });

  describe('status agrees with the code (names as strings in libs/ and apps/, specs excluded)', () => {
    const where = whereNamed(Object.keys(METRIC_CATALOGUE));
    it.each(doc.metrics.map((m) => [m.name, m.status] as const))('%s is %s', (name, status) => {
      const w = where(name);
      if (status === 'emitted') expect(w.recordedIn).not.toEqual([]);
      if (status === 'declared') expect({ declared: w.declared, recordedIn: w.recordedIn }).toEqual({ declared: true, recordedIn: [] });
      if (status === 'required') expect(w.recordedIn).toEqual([]);
    });
  });

  it('the "Required by alerts and the dashboard" table lists exactly the rows marked required, with their type and labels', () => {
    const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
    const required = doc.metrics.filter((m) => m.status === 'required');
    expect(doc.required.map((r) => ({ name: r.name, type: r.type, labels: r.labels })).sort(byName)).toEqual(
      required.map((m) => ({ name: m.name, type: m.type, labels: m.labels })).sort(byName),
    );
  });

  it('every required metric is needed by an alert or the dashboard', () => {
    const byAlerts = new Set(readAlertRules().flatMap((r) => metricNames(r.expr)));
    for (const r of doc.required) expect(byAlerts.has(r.name) || r.name.length === 0).toBe(true);
  });
});

describe('the live registry (PromMetrics during a paper run of the composed bot)', () => {
  const declaredOnly = new PromMetrics();
  // strict: a refused use throws (and RecordingMetrics records it) instead of being counted away.
  const prom = new PromMetrics({ strict: true });
  const rec = new RecordingMetrics(prom);
  let families: { name: string; type: string }[] = [];
  let missingRequired: string[] = [];

  beforeAll(async () => {
    await runPaperSession(rec, prom);
    families = (await prom.registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
    const recorded = new Set([...rec.uses.values()].map((u) => u.name));
    missingRequired = doc.required.map((r) => r.name).filter((n) => !recorded.has(n));
    // Say it plainly in the test output, not only in the docs.
    process.stdout.write(`\nops: metrics required by alerts/dashboard and not produced by any code yet: ${missingRequired.join(', ') || 'none'}\n`);
    if (rec.rejected.size > 0) {
      process.stdout.write(
        `ops: uses the prom-client adapter refused (they throw in production):\n${[...rec.rejected.values()].map((r) => `  ${r.message}`).join('\n')}\n`,
      );
    }
  });

  it('the session really ran the pipeline (orders, loops, signals were recorded)', () => {
    const used = new Set([...rec.uses.values()].map((u) => u.name));
    for (const n of ['cab_orders_total', 'cab_loop_runs_total', 'cab_signals_total', 'cab_exits_total', 'cab_order_seconds']) expect(used).toContain(n);
  });

  it('every metric the registry exposes is documented with its type and labels, or listed as a disagreement', () => {
    const wrong: string[] = [];
    for (const f of families) {
      if (isProcess(f.name)) continue;
      const row = rows.get(f.name);
      if (!row) {
        if (!disagreeing.has(f.name)) wrong.push(`${f.name}: not documented`);
        continue;
      }
      if (row.type !== f.type) wrong.push(`${f.name}: documented as ${row.type}, registry has ${f.type}`);
      const labels = labelNamesOf(prom, f.name);
      if (!disagreeing.has(f.name) && labels.join(',') !== row.labels.join(','))
        wrong.push(`${f.name}: documented labels [${row.labels}], registry [${labels}]`);
    }
    expect(wrong).toEqual([]);
  });

  it('every use the running bot made is documented with the same type and labels', () => {
    const wrong = [...rec.uses.values()]
      .filter((u) => {
        const row = rows.get(u.name);
        return !row || row.type !== u.type || row.labels.join(',') !== u.labels.join(',');
      })
      .map((u) => `${u.name} ${u.type} {${u.labels.join(', ')}}`);
    expect(wrong).toEqual([]);
  });

  it('every row marked declared or emitted-and-catalogued is in the registry from the first scrape', async () => {
    const names = new Set((await declaredOnly.registry.getMetricsAsJSON()).map((m) => m.name));
    expect(doc.metrics.filter((m) => m.status === 'declared' && !names.has(m.name)).map((m) => m.name)).toEqual([]);
    for (const name of Object.keys(METRIC_CATALOGUE)) expect(rows.has(name) || disagreeing.has(name)).toBe(true);
  });

  it('the disagreements table is exactly what the catalogue and the emitters disagree on', () => {
    // Refused at run time, declared but emitted under another name, or declared with another type
    // or label set than the emitter uses (that one throws the first time the emitter records it).
    const expected = new Set<string>([...rec.rejected.keys()]);
    for (const [name, spec] of Object.entries(METRIC_CATALOGUE)) {
      const row = rows.get(name);
      if (!row || row.type !== spec.type || row.labels.join(',') !== [...spec.labels].sort().join(',')) expected.add(name);
    }
    expect([...disagreeing].sort()).toEqual([...expected].sort());
  });

  it('the metrics required by alerts are exactly the documented missing ones', () => {
    // A required metric is absent, or only declared without a value; when code starts recording
    // one, this fails until its row in docs/metrics.md says `emitted`.
    expect(missingRequired).toEqual(doc.required.map((r) => r.name));
  });
});
