import path from 'node:path';

/** Repository root and the files the ops specs check. */
export const ROOT = path.resolve(__dirname, '../../..');
export const OPS = path.join(ROOT, 'ops');
export const PROM_DIR = path.join(OPS, 'prometheus');
export const GRAFANA_DIR = path.join(OPS, 'grafana');
export const ALERTS_FILE = path.join(PROM_DIR, 'alerts.yml');
export const PROMETHEUS_FILE = path.join(PROM_DIR, 'prometheus.yml');
export const COMPOSE_FILE = path.join(PROM_DIR, 'docker-compose.yml');
export const ALERT_TESTS_DIR = path.join(PROM_DIR, 'tests');
export const DASHBOARD_FILE = path.join(GRAFANA_DIR, 'dashboards/crypto-ai-bot.json');
export const METRICS_DOC = path.join(ROOT, 'docs/metrics.md');
export const SERVER_BUNDLE = path.join(ROOT, 'dist/apps/server/main.cjs');
export const CLI_BUNDLE = path.join(ROOT, 'dist/apps/cli/main.cjs');
export const WORKER_BUNDLE = path.join(ROOT, 'dist/apps/worker/main.cjs');
/** The many-bots stack: Postgres, three bots, Prometheus and Grafana (docs/postgres.md, "Many bots (ops)"). */
export const MANY_DIR = path.join(OPS, 'many-bots');
export const MANY_COMPOSE_FILE = path.join(MANY_DIR, 'docker-compose.yml');
export const MANY_PROMETHEUS_FILE = path.join(MANY_DIR, 'prometheus.yml');
