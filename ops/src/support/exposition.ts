/** One metric family of a Prometheus text exposition. */
export interface Family {
  name: string;
  type: string;
  /** Label names seen on its samples (sorted; `le`, `quantile` and the bot label every series carries left out). */
  labels: string[];
  samples: number;
}

/** Labels no table row lists: histogram/summary bounds, and `bot` (BOT_ID), put on every series (docs/metrics.md, "The bot label"). */
const IMPLIED = new Set(['le', 'quantile', 'bot']);

/** Parses the text format served on /metrics: `# TYPE` lines and the samples under them. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | null = null;
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t?.[1] && t[2]) {
      current = { name: t[1], type: t[2], labels: [], samples: 0 };
      families.set(current.name, current);
      continue;
    }
    if (line === '' || line.startsWith('#') || !current) continue;
    const s = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+\S+/.exec(line);
    if (!s?.[1] || !s[1].startsWith(current.name)) continue;
    current.samples++;
    const names = [...(s[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)].map((m) => m[1] ?? '');
    const set = new Set([...current.labels, ...names.filter((n) => !IMPLIED.has(n))]);
    current.labels = [...set].sort();
  }
  return families;
}
