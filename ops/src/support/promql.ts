/** PromQL keywords and modifiers that look like identifiers but are not metric names. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan', 'atan2']);

/**
 * The metric names a PromQL expression reads. Deliberately small (the expressions are ours): it
 * removes strings, label matchers `{…}`, ranges `[…]` and the label lists of by/without/on/ignoring/
 * group_left/group_right, then keeps identifiers that are not function calls or keywords.
 * Grafana variables ($instance, $__rate_interval) only occur inside strings and ranges.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, id, call] = m;
    if (!id || call || KEYWORDS.has(id.toLowerCase())) continue;
    names.add(id);
  }
  return [...names].sort();
}

const SERIES_SUFFIXES = ['_bucket', '_count', '_sum'] as const;

/** `x_bucket`, `x_count`, `x_sum` → `x` when `x` is a known histogram; else the name itself. */
export function familyOf(series: string, histograms: ReadonlySet<string>): string {
  for (const s of SERIES_SUFFIXES) {
    if (series.endsWith(s) && histograms.has(series.slice(0, -s.length))) return series.slice(0, -s.length);
  }
  return series;
}
