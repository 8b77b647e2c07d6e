import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express, type Request, type Response } from 'express';
import type { HealthReport, Logger, Metrics, TradingControl } from '@cab/application';
import { errorText } from '@cab/application';
import type { Clock } from '@cab/domain';
import { utcDayStart } from '@cab/domain';
import { withCorrelationId } from '../../driven/logging/correlation';
import { parseIsoDay } from '../reports/performance-report';
import { controlRoutes } from './control-routes';
import type { DashboardReadModels, HaltView } from './dashboard-read-models';
import { dashboardRoutes } from './dashboard-routes';
import type { EventStream } from './event-stream';
import { securityHeaders } from './security-headers';
import { authorize, sessionRoutes } from './session-auth';
import { SessionStore } from './sessions';
import { BadRequest, errorHandler, sendError } from './errors';
import type { ControllableOrchestrator } from './controllable-orchestrator';
import { intParam, stringParam } from './query';
import type { ApiReadModels } from './read-models';

export interface HealthSource {
  health(): Promise<HealthReport>;
  readiness(): Promise<HealthReport>;
}

/** What GET /metrics serves: PromMetrics has both. */
export interface MetricsExposition {
  text(): Promise<string>;
  readonly contentType: string;
}

export interface HttpAppOptions {
  orchestrator: ControllableOrchestrator;
  health: HealthSource;
  metrics: Metrics & MetricsExposition;
  /** /api/trades, /api/positions, /api/pnl; omitted = no /api routes (the worker). */
  readModels?: ApiReadModels;
  /** Serve POST /orchestrator/start|stop and GET /orchestrator/status (default true; the worker: false). */
  control?: boolean;
  /** Bearer token for /orchestrator/* and /api/*; null = open, which live mode refuses. */
  apiToken: string | null;
  mode: 'paper' | 'live';
  version: string;
  logger: Logger;
  /** Request durations. */
  clock: Clock;
  /** The pipeline's clock, whose UTC day is /api/pnl's default (candle time in a paper replay); default `clock`. */
  tradingClock?: Clock;
  /** Request ids when the client sends none; default crypto.randomUUID. */
  newRequestId?: () => string;
  /** The trader's window (server only): control routes, the panes' read routes, live events, the static dashboard. */
  dashboard?: DashboardHttpOptions;
  /** Dashboard logins; default a SessionStore on `clock`. */
  sessions?: SessionStore;
  /** Wrong logins allowed per window before 429 (default 10 per 15 min). */
  loginLimit?: { max: number; windowMs: number };
}

export interface DashboardHttpOptions {
  control: TradingControl;
  models: DashboardReadModels;
  halts: () => HaltView[];
  events: EventStream;
  /** The built dashboard (dist/apps/dashboard): served at GET /; null = not built (GET / answers a 404 saying so). */
  staticDir: string | null;
}

export class HttpConfigError extends Error {
  readonly code = 'HTTP.CONFIG';
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The express 5 app behind the server and the worker. Routes only map results to status codes;
 * the work is in the orchestrator, the health checker and the read models it is given.
 *  - /health, /ready, /metrics are open (probes and scrapers carry no secrets; docs/lessons.md #14);
 *  - /orchestrator/* and /api/* need the Bearer token when one is set;
 *  - every answer carries X-Request-Id, and every log line of the request its correlation id.
 */
export function createHttpApp(o: HttpAppOptions): Express {
  if (o.mode === 'live' && !o.apiToken) {
    throw new HttpConfigError('live mode refuses to serve the control API without API_TOKEN');
  }
  const newId = o.newRequestId ?? randomUUID;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && REQUEST_ID_RE.test(incoming) ? incoming : newId();
    res.locals['requestId'] = id;
    res.set('X-Request-Id', id);
    res.set('Cache-Control', 'no-store');
    const started = o.clock.now();
    res.on('finish', () => {
      const route = req.route ? String((req.route as { path: string }).path) : 'unmatched';
      o.metrics.counter('cab_http_requests_total', { method: req.method, route, status: String(res.statusCode) });
      o.metrics.histogram('cab_http_request_duration_seconds', Math.max(0, o.clock.now() - started) / 1000, { method: req.method, route });
    });
    withCorrelationId(id, () => next());
  });
  app.use(securityHeaders());
  app.use(cookieParser());
  app.use(express.json({ limit: '16kb' }));

  app.get('/health', async (_req, res) => {
    const report = await o.health.health();
    res.status(report.status === 'down' ? 503 : 200).json({ ...report, mode: o.mode, version: o.version, orchestrator: orchestratorSummary(o.orchestrator) });
  });

  app.get('/ready', async (_req, res) => {
    const report = await o.health.readiness();
    res.status(report.ready ? 200 : 503).json({ ready: report.ready, checkedAt: report.checkedAt, components: report.components });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(o.metrics.contentType).send(await o.metrics.text());
  });

  const sessions = o.sessions ?? new SessionStore(o.clock);
  const authOptions = { token: o.apiToken, sessions, ...(o.loginLimit ? { loginLimit: o.loginLimit } : {}) };
  // The Bearer token or a dashboard session cookie (docs/lessons.md #14); open without API_TOKEN.
  const auth = authorize(authOptions);

  if (o.control ?? true) {
    app.get('/orchestrator/status', auth, (_req, res) => {
      res.json(o.orchestrator.status());
    });
    app.post('/orchestrator/start', auth, async (_req, res) => {
      await control(res, o, 'start');
    });
    app.post('/orchestrator/stop', auth, async (_req, res) => {
      await control(res, o, 'stop');
    });
  }

  const models = o.readModels;
  if (models) {
    app.get('/api/trades', auth, async (req, res) => {
      const q = req.query as Record<string, unknown>;
      const symbol = stringParam(q, 'symbol')?.toUpperCase();
      const since = intParam(q, 'since', undefined, 0, Number.MAX_SAFE_INTEGER);
      const limit = intParam(q, 'limit', 100, 1, 1000)!;
      const offset = intParam(q, 'offset', 0, 0, 100_000)!;
      res.json({ trades: await models.trades({ ...(symbol ? { symbol } : {}), ...(since !== undefined ? { since } : {}), limit, offset }), offset, limit });
    });
    app.get('/api/positions', auth, async (_req, res) => {
      res.json({ positions: await models.positions() });
    });
    app.get('/api/pnl', auth, async (req, res) => {
      const date = stringParam(req.query as Record<string, unknown>, 'date');
      const day = date === undefined ? utcDayStart((o.tradingClock ?? o.clock).now()) : parseIsoDay(date);
      if (day === null) throw new BadRequest(`date: expected YYYY-MM-DD, got ${JSON.stringify(date)}`);
      res.json(await models.pnl(day));
    });
  }

  const dash = o.dashboard;
  if (dash) {
    app.use(sessionRoutes(authOptions));
    app.use(controlRoutes(dash.control, auth));
    app.use(
      dashboardRoutes(
        {
          models: dash.models,
          control: dash.control,
          halts: dash.halts,
          health: () => o.health.health(),
          events: dash.events,
          mode: o.mode,
          version: o.version,
          clock: o.clock,
        },
        auth,
      ),
    );
    const dir = dash.staticDir;
    if (dir !== null && existsSync(join(dir, 'index.html'))) {
      // The page itself is open (it holds the login form); everything it shows comes from /api behind auth.
      app.use(express.static(dir, { index: 'index.html', etag: false, maxAge: 0 }));
    } else {
      app.get('/', (_req, res) => sendError(res, 404, 'HTTP.NOT_FOUND', 'the dashboard is not built: npx nx build dashboard (npm start builds it)'));
    }
  }

  app.use((req: Request, res: Response) => sendError(res, 404, 'HTTP.NOT_FOUND', `no route ${req.method} ${req.path}`));
  app.use(errorHandler(o.logger));
  return app;
}

function orchestratorSummary(orch: ControllableOrchestrator): { state: string; trading: string; haltReasons: string[] } | { error: string } {
  try {
    const s = orch.status();
    return { state: s.state, trading: s.trading, haltReasons: s.haltReasons };
  } catch (e) {
    return { error: errorText(e) };
  }
}

/** start/stop are idempotent on the orchestrator's side; a failure is reported, never a stack. */
async function control(res: Response, o: HttpAppOptions, action: 'start' | 'stop'): Promise<void> {
  try {
    await (action === 'start' ? o.orchestrator.start() : o.orchestrator.stop());
  } catch (e) {
    o.logger.error(`orchestrator ${action} failed`, { error: errorText(e) });
    return sendError(res, 500, action === 'start' ? 'ORCHESTRATOR.START_FAILED' : 'ORCHESTRATOR.STOP_FAILED', errorText(e));
  }
  o.logger.info(`orchestrator ${action} requested over HTTP`);
  res.json(o.orchestrator.status());
}
