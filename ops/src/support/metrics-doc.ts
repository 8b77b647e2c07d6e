import { readFileSync } from 'node:fs';
import { METRICS_DOC } from './paths';

export type MetricType = 'counter' | 'gauge' | 'histogram';
export type MetricStatus = 'emitted' | 'declared' | 'required';

export interface DocMetric {
  name: string;
  type: MetricType;
  labels: string[];
  meaning: string;
  source: string;
  status: MetricStatus;
}

export interface Disagreement {
  name: string;
  declaredAs: string;
  emittedAs: string;
}

export interface MetricsDoc {
  metrics: DocMetric[];
  disagreements: Disagreement[];
  /** Rows of "Required by alerts and the dashboard". */
  required: { name: string; type: string; labels: string[] }[];
  /** Name prefixes documented as a group (prom-client's process metrics). */
  prefixes: string[];
}

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
const unquote = (c: string): string => c.replace(/^`|`$/g, '');
const labelList = (c: string): string[] =>
  (c === ''
    ? []
    : c
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean)
  ).sort();

/** Splits the markdown into `## section` → table rows (header and separator removed). */
function tables(text: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  let section = '';
  for (const line of text.split('\n')) {
    const h = /^##\s+(.*)$/.exec(line);
    if (h?.[1]) section = h[1].trim();
    if (!line.trim().startsWith('|')) continue;
    const row = cells(line);
    if (row.every((c) => /^-+$/.test(c))) continue;
    const rows = out.get(section) ?? [];
    rows.push(row);
    out.set(section, rows);
  }
  for (const [k, rows] of out) out.set(k, rows.slice(1)); // drop the header row
  return out;
}

/** Parses docs/metrics.md: the catalogue tables, the disagreements and the required list. */
export function readMetricsDoc(file = METRICS_DOC): MetricsDoc {
  const text = readFileSync(file, 'utf8');
  const metrics: DocMetric[] = [];
  const disagreements: Disagreement[] = [];
  const required: MetricsDoc['required'] = [];
  for (const [section, rows] of tables(text)) {
    for (const r of rows) {
      if (section.startsWith('Disagreements')) {
        disagreements.push({ name: unquote(r[0] ?? ''), declaredAs: r[1] ?? '', emittedAs: r[2] ?? '' });
      } else if (section.startsWith('Required')) {
        required.push({ name: unquote(r[0] ?? ''), type: r[1] ?? '', labels: labelList(r[2] ?? '') });
      } else {
        if (r.length !== 6) throw new Error(`docs/metrics.md, section "${section}": a row needs 6 cells, got ${r.length}: ${r.join(' | ')}`);
        metrics.push({
          name: unquote(r[0] ?? ''),
          type: r[1] as MetricType,
          labels: labelList(r[2] ?? ''),
          meaning: r[3] ?? '',
          source: r[4] ?? '',
          status: r[5] as MetricStatus,
        });
      }
    }
  }
  const prefixes = [...text.matchAll(/starting\s+with\s+`([a-z_]+)`\s+or\s+`([a-z_]+)`/g)].flatMap((m) => [m[1] ?? '', m[2] ?? '']).filter(Boolean);
  return { metrics, disagreements, required, prefixes };
}

/** Problems with one row under the conventions of docs/metrics.md; [] when it follows them. */
export function conventionProblems(m: DocMetric): string[] {
  const p: string[] = [];
  if (!/^cab_[a-z][a-z0-9_]*$/.test(m.name)) p.push('name must be cab_ + snake_case');
  if (!['counter', 'gauge', 'histogram'].includes(m.type)) p.push(`unknown type ${m.type}`);
  if ((m.type === 'counter') !== m.name.endsWith('_total')) p.push('counters, and only counters, end in _total');
  if (m.type === 'histogram' && !/_(seconds|bytes)$/.test(m.name)) p.push('a histogram measures seconds or bytes: name it …_seconds or …_bytes');
  if (/_(ms|millis|milliseconds|minutes|hours|days|kb|mb|percent|pct)(_|$)/.test(m.name)) p.push('use base units (seconds, bytes, ratios)');
  if (/timestamp/.test(m.name) && !/_timestamp_seconds$/.test(m.name)) p.push('a timestamp is Unix seconds: …_timestamp_seconds');
  for (const l of m.labels) {
    if (!/^[a-z][a-z0-9_]*$/.test(l)) p.push(`label ${l} must be snake_case`);
    if (l === 'le' || l === 'quantile') p.push(`label ${l} is reserved`);
  }
  if (!['emitted', 'declared', 'required'].includes(m.status)) p.push(`unknown status ${m.status}`);
  if (m.meaning.length < 10) p.push('say what it means');
  return p;
}
