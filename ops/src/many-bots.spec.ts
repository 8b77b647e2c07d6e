import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@cab/infrastructure/testing';
import { MANY_COMPOSE_FILE, MANY_DIR, MANY_PROMETHEUS_FILE, WORKER_BUNDLE } from './support/paths';
import { findTool } from './support/tools';
import { readYaml } from './support/yaml-file';

// Docker is not available where this was written: the many-bots compose file is checked as data
// (services, environment, depends_on, healthchecks, mounts, ports), its prometheus.yml with
// promtool, and each bot's environment is booted for real: the built worker with exactly that
// environment (DB_URL pointed at the test run's Postgres, ports and paths made local), all three
// at once on one database.
interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; retries?: number; start_period?: string };
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}
interface PromConfig {
  rule_files: string[];
  scrape_configs: { job_name: string; honor_labels?: boolean; static_configs: { targets: string[]; labels?: Record<string, string> }[] }[];
}

const compose = readYaml<Compose>(MANY_COMPOSE_FILE);
const prom = readYaml<PromConfig>(MANY_PROMETHEUS_FILE);
const bots = Object.entries(compose.services).filter(([, s]) => s.environment?.['BOT_ID'] !== undefined);
const envOf = (name: string): Record<string, string> => compose.services[name]?.environment ?? {};
const dependsOn = (s: Service): Record<string, string> =>
  Array.isArray(s.depends_on)
    ? Object.fromEntries(s.depends_on.map((d) => [d, 'service_started']))
    : Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([k, v]) => [k, v.condition]));

describe('ops/many-bots/docker-compose.yml: Postgres, three bots, Prometheus, Grafana', () => {
  it('runs postgres, three bots, prometheus and grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot-a', 'bot-b', 'bot-c', 'grafana', 'postgres', 'prometheus']);
    expect(bots.map(([n]) => n)).toEqual(['bot-a', 'bot-b', 'bot-c']);
  });

  it('three paper bots with their own BOT_ID and symbol, the built worker, on the postgres service', () => {
    const ids = bots.map(([n]) => envOf(n)['BOT_ID']);
    const symbols = bots.map(([n]) => envOf(n)['SYMBOL']);
    expect(new Set(ids).size).toBe(3);
    expect(new Set(symbols).size).toBe(3);
    for (const [name, s] of bots) {
      const env = envOf(name);
      expect(env['BOT_ID']).toBe(name);
      expect(env['MODE']).toBe('paper');
      expect(env['HOST']).toBe('0.0.0.0'); // or prometheus cannot reach it
      expect(s.command).toEqual(['node', 'dist/apps/worker/main.cjs']);
      // Straight to the postgres service (no pooler), the password from the environment, never written here.
      expect(env['DB_URL']).toBe('postgres://cab:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@postgres:5432/cab');
      expect(s.ports?.map((p) => p.split(':').at(-1))).toEqual([env['WORKER_PORT']]);
    }
    // The one real bundled day for one bot; the others say what they run on.
    expect(envOf('bot-a')).toMatchObject({ SYMBOL: 'BTC/USDT', MARKET_DATA: 'replay' });
    expect(bots.every(([n]) => ['replay', 'synthetic'].includes(envOf(n)['MARKET_DATA'] ?? ''))).toBe(true);
  });

  it('starts the bots once Postgres is healthy, prometheus after the bots, grafana once prometheus is ready', () => {
    for (const [, s] of bots) expect(dependsOn(s)).toEqual({ postgres: 'service_healthy' });
    expect(dependsOn(compose.services['prometheus'] as Service)).toEqual({
      'bot-a': 'service_started',
      'bot-b': 'service_started',
      'bot-c': 'service_started',
    });
    expect(dependsOn(compose.services['grafana'] as Service)).toEqual({ prometheus: 'service_healthy' });
  });

  it('has a healthcheck on every service: pg_isready, the bot’s /health, prometheus /-/ready, grafana /api/health', () => {
    for (const s of Object.values(compose.services)) expect(s.healthcheck?.test.length).toBeGreaterThan(1);
    expect(compose.services['postgres']?.healthcheck?.test.join(' ')).toMatch(/pg_isready -U cab -d cab/);
    for (const [name, s] of bots) expect(s.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${envOf(name)['WORKER_PORT']}/health`);
    expect(compose.services['prometheus']?.healthcheck?.test.join(' ')).toContain('/-/ready');
    expect(compose.services['grafana']?.healthcheck?.test.join(' ')).toContain('/api/health');
  });

  it('keeps secrets out of the file: the Postgres and Grafana passwords must be given', () => {
    expect(envOf('postgres')['POSTGRES_PASSWORD']).toBe('${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}');
    expect(envOf('grafana')['GF_SECURITY_ADMIN_PASSWORD']).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
  });

  it('mounts only files and folders that exist, and named volumes it declares', () => {
    const binds = Object.values(compose.services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(':')[0] ?? ''));
    const local = binds.filter((b) => b.startsWith('.'));
    expect(local.length).toBeGreaterThan(4);
    expect(local.filter((b) => !existsSync(path.resolve(MANY_DIR, b)))).toEqual([]);
    expect(binds.filter((b) => !b.startsWith('.') && !(b in compose.volumes))).toEqual([]);
  });

  it('binds every published port to 127.0.0.1 and pins every image', () => {
    const ports = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(ports.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
    expect(new Set(ports.map((p) => p.split(':')[1])).size).toBe(ports.length);
    for (const s of Object.values(compose.services)) expect(s.image).toMatch(/:[0-9v][\w.-]*/);
  });

  it('prometheus scrapes every bot at its worker port with a `bot` target label equal to its BOT_ID', () => {
    const job = prom.scrape_configs.find((j) => j.job_name === 'cab-worker');
    expect(job?.honor_labels).toBe(true);
    const targets = (job?.static_configs ?? []).map((c) => ({ target: c.targets, bot: c.labels?.['bot'] }));
    expect(targets).toEqual(bots.map(([name]) => ({ target: [`${name}:${envOf(name)['WORKER_PORT']}`], bot: envOf(name)['BOT_ID'] })));
    const mounts = (compose.services['prometheus']?.volumes ?? []).map((v) => v.split(':'));
    expect(mounts.find((m) => m[1] === '/etc/prometheus/prometheus.yml')?.[0]).toBe('./prometheus.yml');
    for (const rule of prom.rule_files) expect(mounts.find((m) => m[1] === path.posix.join('/etc/prometheus', rule))).toBeDefined();
  });

  it('gives grafana the shared provisioning (datasource at http://prometheus:9090) and dashboards', () => {
    const mounts = (compose.services['grafana']?.volumes ?? []).map((v) => v.split(':').slice(0, 2));
    expect(mounts).toEqual(
      expect.arrayContaining([
        ['../grafana/provisioning', '/etc/grafana/provisioning'],
        ['../grafana/dashboards', '/var/lib/grafana/dashboards'],
      ]),
    );
    expect(compose.services['prometheus']).toBeDefined(); // the datasource's host name
  });

  // promtool checks the config as the container sees it: each mounted file at its mount path.
  const promtool = findTool('promtool');
  (promtool ? it : it.skip)('prometheus.yml passes promtool check config with the files compose mounts beside it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cab-many-prom-'));
    try {
      for (const [from, to] of (compose.services['prometheus']?.volumes ?? []).map((v) => v.split(':'))) {
        if (!from?.startsWith('.') || !to?.startsWith('/etc/prometheus/')) continue;
        const dest = path.join(dir, path.posix.relative('/etc/prometheus', to));
        mkdirSync(path.dirname(dest), { recursive: true });
        copyFileSync(path.resolve(MANY_DIR, from), dest);
      }
      const out = execFileSync(promtool as string, ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      expect(out).toMatch(/SUCCESS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ops/many-bots: each bot’s environment, booted for real side by side on one Postgres', () => {
  let db: TestPostgresDatabase;
  let dir: string;
  const children: { child: ChildProcess; exited: Promise<number | null>; out: () => string }[] = [];

  beforeAll(async () => {
    expect(existsSync(WORKER_BUNDLE)).toBe(true);
    db = await createTestPostgresDatabase('manybots');
    dir = mkdtempSync(path.join(tmpdir(), 'cab-many-bots-'));
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('all three start with their compose environment, each holding its own instance lock, with their symbol and their BOT_ID on every series', async () => {
    const urls = await Promise.all(
      bots.map(async ([name]) => {
        const env: Record<string, string> = {
          ...envOf(name),
          PATH: process.env['PATH'] ?? '',
          // What differs outside the containers: the database, the interface, the port, the file.
          DB_URL: db.url,
          HOST: '127.0.0.1',
          WORKER_PORT: '0',
          DB_PATH: path.join(dir, `${name}.db`),
          LOG_LEVEL: 'warn',
          REPLAY_SPEED: '600',
        };
        const child = spawn(process.execPath, [WORKER_BUNDLE], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        children.push({ child, exited, out: () => out });
        return poll(`${name} to serve`, async () => {
          if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}:\n${out}`);
          return /worker \(paper\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? null;
        });
      }),
    );

    for (const [i, [name]] of bots.entries()) {
      const { BOT_ID: id, SYMBOL: symbol } = envOf(name);
      const text = await poll(`${name} to run`, async () => {
        const body = await (await fetch(`${urls[i]}/metrics`)).text();
        return new RegExp(`^cab_orchestrator_running\\{bot="${id}"\\} 1$`, 'm').test(body) ? body : null;
      });
      const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      expect(samples.filter((l) => !l.includes(`bot="${id}"`))).toEqual([]);
      expect(text).toContain(`cab_position_base{symbol="${symbol}",bot="${id}"}`);
    }
    // Three lock sessions on the one database, one per BOT_ID (docs/postgres.md, "Instance lock").
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      const r = await admin.query<{ name: string }>(
        `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() ORDER BY 1`,
      );
      expect(r.rows.map((x) => x.name.replace(/^cab pid \d+ on \S+ /, ''))).toEqual(bots.map(([name]) => `bot ${envOf(name)['BOT_ID']}`));
    } finally {
      await admin.end();
    }
    for (const c of children) c.child.kill('SIGTERM');
    expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0, 0]);
  }, 180_000);
});

async function poll<T>(what: string, probe: () => Promise<T | null>, ceilingMs = 120_000): Promise<T> {
  const deadline = Date.now() + ceilingMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (e) {
      if (e instanceof Error && / exited /.test(e.message)) throw e;
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
