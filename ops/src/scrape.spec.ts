import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { METRIC_CATALOGUE } from '@cab/infrastructure';
import { readAlertRules } from './support/alert-rules';
import { parseExposition, type Family } from './support/exposition';
import { readMetricsDoc } from './support/metrics-doc';
import { DASHBOARD_FILE, SERVER_BUNDLE } from './support/paths';
import { familyOf, metricNames } from './support/promql';

/**
 * Starts the BUILT server (dist/apps/server/main.cjs) as a child process on 127.0.0.1, port 0, in
 * paper mode on the bundled replay data with one-second loops, scrapes its /metrics once every loop
 * has run, and checks the scrape against the alert rules, the dashboard and docs/metrics.md.
 */
const LOOPS = ['eval', 'exits', 'reconcile', 'watchdog'];
const doc = readMetricsDoc();
const rows = new Map(doc.metrics.map((m) => [m.name, m]));
const histograms = new Set(doc.metrics.filter((m) => m.type === 'histogram').map((m) => m.name));
const required = new Set(doc.required.map((r) => r.name));
const isProcess = (name: string): boolean => doc.prefixes.some((p) => name.startsWith(p));

const alertMetrics = [...new Set(readAlertRules().flatMap((r) => metricNames(r.expr)))].filter((n) => n !== 'up').sort();
const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
const dashboardMetrics = [
  ...new Set(dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr).map((n) => familyOf(n, histograms))))),
]
  .filter((n) => n !== 'up')
  .sort();

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe('a running server’s /metrics', () => {
  let child: ChildProcess;
  let dir: string;
  let output = '';
  let families: Map<string, Family>;
  let samples: string[] = [];

  beforeAll(async () => {
    expect(existsSync(SERVER_BUNDLE)).toBe(true);
    dir = mkdtempSync(path.join(tmpdir(), 'cab-scrape-'));
    child = spawn(process.execPath, [SERVER_BUNDLE], {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        MODE: 'paper',
        BOT_ID: 'scrape-bot',
        HOST: '127.0.0.1',
        PORT: '0',
        DB_PATH: path.join(dir, 'bot.db'),
        EVAL_INTERVAL_SEC: '1',
        EXITS_INTERVAL_SEC: '1',
        RECONCILE_INTERVAL_SEC: '1',
        WATCHDOG_INTERVAL_SEC: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const url = await waitFor('the server to print its URL', 60_000, async () => {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${output}`);
      return /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? null;
    });
    const text = await waitFor('every loop to have run', 60_000, async () => {
      const res = await fetch(`${url}/metrics`);
      if (res.status !== 200) return null;
      const body = await res.text();
      const runs = parseExposition(body).get('cab_loop_runs_total');
      return LOOPS.every((l) => new RegExp(`^cab_loop_runs_total\\{[^}]*loop="${l}"`, 'm').test(body)) && runs ? body : null;
    });
    families = parseExposition(text);
    samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has every metric the alert rules use, except the documented ones no code produces yet', () => {
    const missing = alertMetrics.filter((n) => !families.has(n));
    process.stdout.write(`\nops: alert metrics missing from a live scrape: ${missing.join(', ') || 'none'}\n`);
    expect(missing).toEqual(alertMetrics.filter((n) => required.has(n)));
    // …and the scrape really has the others, with samples where the alert needs one from the start.
    for (const n of ['cab_loop_last_run_timestamp_seconds', 'cab_loop_runs_total', 'cab_dms_trips_total', 'cab_trading_state']) {
      expect(families.get(n)?.samples ?? 0).toBeGreaterThan(0);
    }
  });

  it('has every metric the dashboard reads, except required ones and ones registered on first use', () => {
    // A panel may wait for a metric that appears with its first event (dead letters per topic);
    // an alert may not (the spec above), so alert metrics are declared in METRIC_CATALOGUE.
    const onFirstUse = (n: string): boolean => !(n in METRIC_CATALOGUE);
    expect(dashboardMetrics.filter((n) => !families.has(n) && !required.has(n) && !onFirstUse(n))).toEqual([]);
    expect(dashboardMetrics.filter((n) => required.has(n) && families.has(n))).toEqual([]);
  });

  it('exposes only documented metrics, with the documented type and labels', () => {
    const wrong: string[] = [];
    for (const f of families.values()) {
      if (isProcess(f.name)) continue;
      const row = rows.get(f.name);
      if (!row) wrong.push(`${f.name}: not in docs/metrics.md`);
      else if (row.type !== f.type) wrong.push(`${f.name}: documented ${row.type}, served ${f.type}`);
      else if (f.samples > 0 && f.labels.join(',') !== row.labels.join(',')) wrong.push(`${f.name}: documented {${row.labels}}, served {${f.labels}}`);
    }
    expect(wrong).toEqual([]);
  });

  it('labels every series with the bot (BOT_ID), process metrics included: one Prometheus tells the bots apart', () => {
    expect(samples.length).toBeGreaterThan(50);
    expect(samples.filter((l) => !/[{,]bot="scrape-bot"[,}]/.test(l))).toEqual([]);
  });

  it('serves process metrics under the documented prefixes', () => {
    expect([...families.keys()].some((n) => n.startsWith('cab_process_'))).toBe(true);
    expect([...families.keys()].some((n) => n.startsWith('cab_nodejs_'))).toBe(true);
    expect([...families.keys()].filter((n) => !n.startsWith('cab_'))).toEqual([]);
  });
});
