import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COMPOSE_FILE, PROM_DIR, PROMETHEUS_FILE, ROOT } from './support/paths';
import { readYaml } from './support/yaml-file';

// Docker is not available where this was written: the compose file is checked as data. Its YAML
// parses, every file it mounts exists, and its ports and names agree with prometheus.yml.
interface Service {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  secrets?: string[];
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}
interface PromConfig {
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; honor_labels?: boolean; static_configs: { targets: string[]; labels?: Record<string, string> }[] }[];
}

const compose = readYaml<Compose>(COMPOSE_FILE);
const prom = readYaml<PromConfig>(PROMETHEUS_FILE);
const targetsOf = (job: string): string[] => prom.scrape_configs.find((s) => s.job_name === job)?.static_configs.flatMap((c) => c.targets) ?? [];
const botLabelOf = (job: string): string | undefined => {
  const c = prom.scrape_configs.find((s) => s.job_name === job);
  return c?.honor_labels ? c.static_configs[0]?.labels?.['bot'] : undefined;
};
const containerPorts = (s: Service): string[] => (s.ports ?? []).map((p) => p.split(':').at(-1) ?? '');

describe('ops/prometheus/docker-compose.yml', () => {
  it('runs prometheus, alertmanager, grafana and the bot', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'grafana', 'prometheus', 'server', 'worker']);
  });

  it('mounts only files and folders that exist (bind mounts, relative to the compose file)', () => {
    const binds = Object.values(compose.services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(':')[0] ?? ''));
    const local = binds.filter((b) => b.startsWith('.'));
    expect(local.length).toBeGreaterThan(5);
    expect(local.filter((b) => !existsSync(path.resolve(PROM_DIR, b)))).toEqual([]);
    const named = binds.filter((b) => !b.startsWith('.') && !b.startsWith('/'));
    expect(named.filter((n) => !(n in compose.volumes))).toEqual([]);
  });

  it('keeps the Telegram token out of git: the secret file lives under a git-ignored folder', () => {
    const file = compose.secrets['telegram_bot_token']?.file ?? '';
    expect(file).toMatch(/^\.\/secrets\//);
    const ignored = execFileSync('git', ['check-ignore', '--no-index', '-q', path.resolve(PROM_DIR, file)], { cwd: ROOT, stdio: 'pipe' });
    expect(ignored).toBeDefined(); // check-ignore exits 1 (throws) when the path is not ignored
    expect(readFileSync(path.join(PROM_DIR, 'alertmanager.yml'), 'utf8')).not.toMatch(/bot_token:\s*'?\d+:[A-Za-z0-9_-]{20,}/);
  });

  it('exposes the bot on the ports prometheus.yml scrapes, under the same service names', () => {
    const server = compose.services['server'] as Service;
    const worker = compose.services['worker'] as Service;
    expect(targetsOf('cab-server')).toEqual([`server:${server.environment?.['PORT']}`]);
    expect(targetsOf('cab-worker')).toEqual([`worker:${worker.environment?.['WORKER_PORT']}`]);
    expect(containerPorts(server)).toContain(server.environment?.['PORT']);
    expect(containerPorts(worker)).toContain(worker.environment?.['WORKER_PORT']);
    // Inside a container the bot must listen on every interface, or prometheus cannot reach it.
    expect(server.environment?.['HOST']).toBe('0.0.0.0');
    expect(worker.environment?.['HOST']).toBe('0.0.0.0');
    // Each has its own BOT_ID, and prometheus.yml's `bot` target label agrees (docs/metrics.md, "The bot label").
    expect(botLabelOf('cab-server')).toBe(server.environment?.['BOT_ID']);
    expect(botLabelOf('cab-worker')).toBe(worker.environment?.['BOT_ID']);
    expect(server.environment?.['BOT_ID']).not.toBe(worker.environment?.['BOT_ID']);
    // Two bots, two databases: never one SQLite file under two orchestrators.
    expect(server.environment?.['DB_PATH']).not.toBe(worker.environment?.['DB_PATH']);
  });

  it('runs the built bundles the scripts and the Procfile run', () => {
    expect(compose.services['server']?.command).toEqual(['node', 'dist/apps/server/main.cjs']);
    expect(compose.services['worker']?.command).toEqual(['node', 'dist/apps/worker/main.cjs']);
  });

  it('gives prometheus its config and rule files at the paths prometheus.yml names', () => {
    const mounts = (compose.services['prometheus']?.volumes ?? []).map((v) => v.split(':'));
    const at = (target: string) => mounts.find((m) => m[1] === target)?.[0];
    expect(at('/etc/prometheus/prometheus.yml')).toBe('./prometheus.yml');
    for (const rule of prom.rule_files) expect(at(path.posix.join('/etc/prometheus', rule))).toBe(`./${rule}`);
    expect(compose.services['prometheus']?.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
  });

  it('points prometheus at the alertmanager service, which renders its config through the entrypoint', () => {
    const am = compose.services['alertmanager'] as Service;
    expect(prom.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual([`alertmanager:${containerPorts(am)[0]}`]);
    const mounts = (am.volumes ?? []).map((v) => v.split(':'));
    const script = am.entrypoint?.at(-1);
    expect(mounts.find((m) => m[1] === script)?.[0]).toBe('./alertmanager-entrypoint.sh');
    expect(mounts.find((m) => m[1] === '/etc/alertmanager/alertmanager.yml')?.[0]).toBe('./alertmanager.yml');
    expect(am.environment?.['TELEGRAM_BOT_TOKEN_FILE']).toBe('/run/secrets/telegram_bot_token');
    expect(am.secrets).toEqual(['telegram_bot_token']);
  });

  it('binds every published port to 127.0.0.1 only', () => {
    const ports = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    expect(ports.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('pins every image to a version', () => {
    for (const s of Object.values(compose.services)) expect(s.image).toMatch(/:[0-9v][\w.-]*/);
  });
});
