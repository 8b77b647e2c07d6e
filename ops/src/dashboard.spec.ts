import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readMetricsDoc } from './support/metrics-doc';
import { familyOf, metricNames } from './support/promql';
import { COMPOSE_FILE, DASHBOARD_FILE, GRAFANA_DIR } from './support/paths';
import { findTool } from './support/tools';
import { readYaml } from './support/yaml-file';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; datasource?: { uid: string } }[] };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
const doc = readMetricsDoc();
const histograms = new Set(doc.metrics.filter((m) => m.type === 'histogram').map((m) => m.name));
const documented = new Set(doc.metrics.map((m) => m.name));

const datasources = readYaml<{ datasources: { uid: string; url: string; type: string }[] }>(
  path.join(GRAFANA_DIR, 'provisioning/datasources/prometheus.yml'),
).datasources;
const providers = readYaml<{ providers: { options: { path: string } }[] }>(path.join(GRAFANA_DIR, 'provisioning/dashboards/crypto-ai-bot.yml')).providers;

describe('ops/grafana dashboard', () => {
  it('covers what a trader watches: equity and PnL, position, orders and fills, blocked trades, loop latency, errors', () => {
    const used = new Set(exprs.flatMap((e) => metricNames(e.expr).map((n) => familyOf(n, histograms))));
    for (const m of [
      'cab_equity_quote',
      'cab_pnl_realized_quote',
      'cab_pnl_unrealized_quote',
      'cab_position_base',
      'cab_orders_total',
      'cab_trades_completed_total',
      'cab_risk_blocked_total',
      'cab_loop_seconds',
      'cab_loop_errors_total',
    ]) {
      expect(used).toContain(m);
    }
  });

  it.each(exprs.map((e) => [e.panel, e.expr] as const))('panel "%s" reads only documented metrics: %s', (_panel, expr) => {
    const unknown = metricNames(expr)
      .map((n) => familyOf(n, histograms))
      .filter((n) => n !== 'up' && !documented.has(n));
    expect(unknown).toEqual([]);
  });

  it('uses the provisioned datasource everywhere, and the provisioning points where compose mounts the dashboards', () => {
    const uids = new Set(datasources.map((d) => d.uid));
    const used = [
      ...dashboard.panels.filter((p) => p.type !== 'row').map((p) => p.datasource?.uid),
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.datasource?.uid)),
      ...dashboard.templating.list.map((v) => v.datasource?.uid),
    ];
    expect(used.every((u) => u !== undefined && uids.has(u))).toBe(true);
    expect(datasources[0]?.url).toBe('http://prometheus:9090');

    const grafana = readYaml<{ services: Record<string, { volumes: string[] }> }>(COMPOSE_FILE).services['grafana'];
    const targets = (grafana?.volumes ?? []).map((v) => v.split(':')[1]);
    expect(targets).toContain(providers[0]?.options.path);
    expect(targets).toContain('/etc/grafana/provisioning');
  });

  it('has a per-bot selector first: the `bot` variable (multi, All), and the instances follow it', () => {
    const vars = dashboard.templating.list as unknown as { name: string; multi: boolean; includeAll: boolean; definition: string }[];
    expect(vars.map((v) => v.name)).toEqual(['bot', 'instance']);
    expect(vars[0]).toMatchObject({ multi: true, includeAll: true, definition: 'label_values(up{job=~"cab-.*"}, bot)' });
    expect(vars[1]?.definition).toContain('bot=~"$bot"');
  });

  it.each(exprs.map((e) => [e.panel, e.expr] as const))('panel "%s" filters every series it reads by the bot selector: %s', (_panel, expr) => {
    const names = metricNames(expr);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const uses = [...expr.matchAll(new RegExp(`(?<![\\w:])${name}(\\{[^}]*\\})?`, 'g'))];
      expect(uses.length).toBeGreaterThan(0);
      for (const u of uses) expect(`${name}${u[1] ?? ''}`).toMatch(/\{[^}]*bot=~"\$bot"[^}]*\}$/);
    }
  });

  it('has unique panel ids and non-overlapping positions', () => {
    const ids = (dashboard.panels as unknown as { id: number }[]).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels as unknown as { gridPos: { x: number; y: number; w: number; h: number } }[]) {
      const g = p.gridPos;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  // promtool parses every expression (as a recording rule), with Grafana's variables filled in.
  const promtool = findTool('promtool');
  (promtool ? it : it.skip)('every expression is valid PromQL (promtool check rules)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cab-dash-'));
    try {
      const rules = exprs.map((e, i) => {
        const expr = e.expr
          .replace(/\$__rate_interval/g, '1m')
          .replace(/\$instance/g, '.*')
          .replace(/\$bot/g, '.*');
        return `      - record: cab_dashboard_check_${i}\n        expr: ${JSON.stringify(expr)}\n`;
      });
      const file = path.join(dir, 'dashboard-rules.yml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('')}`);
      const out = execFileSync(promtool as string, ['check', 'rules', file], { encoding: 'utf8' });
      expect(out).toContain(`SUCCESS: ${exprs.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
