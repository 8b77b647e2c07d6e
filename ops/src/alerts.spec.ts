import { readAlertRules, readAlertTestCases } from './support/alert-rules';
import { readMetricsDoc } from './support/metrics-doc';
import { metricNames } from './support/promql';

/** The alerts the operations issue asks for, by the name they have in alerts.yml. */
const ASKED_FOR = {
  'bot down': 'BotDown',
  'a loop stalled (age of its last run)': 'LoopStalled',
  'reconciliation mismatch': 'ReconcileMismatch',
  'stale reconciliation': 'ReconcileStale',
  "dead man's switch tripped": 'DeadMansSwitchTripped',
  'error rate': 'LoopErrorRateHigh',
  'daily loss near its limit': 'DailyLossNearLimit',
  'DLQ growing': 'DeadLetterQueueGrowing',
  'exchange circuit open': 'ExchangeCircuitOpen',
} as const;

const rules = readAlertRules();
const cases = readAlertTestCases();
const doc = readMetricsDoc();
const documented = new Set(doc.metrics.map((m) => m.name));

describe('ops/prometheus/alerts.yml', () => {
  it.each(Object.entries(ASKED_FOR))('has an alert for %s (%s)', (_what, name) => {
    expect(rules.map((r) => r.alert)).toContain(name);
  });

  it('has unique alert names', () => {
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s has a severity, a summary and a description', (_name, rule) => {
    expect(['critical', 'warning']).toContain(rule.labels?.['severity']);
    expect(rule.annotations?.['summary']).toBeTruthy();
    expect(rule.annotations?.['description']).toBeTruthy();
  });

  it.each(rules.map((r) => [r.alert] as const))('%s has a promtool test where it fires and one where it stays quiet', (name) => {
    const mine = cases.filter((c) => c.alertname === name);
    expect(mine.some((c) => c.fires)).toBe(true);
    expect(mine.some((c) => !c.fires)).toBe(true);
  });

  it('tests no alert that does not exist (a renamed alert leaves no stale test behind)', () => {
    const names = new Set(rules.map((r) => r.alert));
    expect(cases.filter((c) => !names.has(c.alertname))).toEqual([]);
  });

  it.each(rules.map((r) => [r.alert, r.expr] as const))('%s reads only metrics listed in docs/metrics.md (or up)', (_name, expr) => {
    const names = metricNames(expr);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => n !== 'up' && !documented.has(n))).toEqual([]);
  });
});
