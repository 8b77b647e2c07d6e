import request from 'supertest';
import { HealthChecker, type CheckResult } from '@cab/application';
import { RecordingLogger } from '@cab/application/testing';
import { FakeClock } from '@cab/domain/testing';
import { dec } from '@cab/domain';
import { PromMetrics } from '../../driven/metrics/prom-metrics';
import { systemTimers } from '../../driven/time/system-time';
import { openTempStorage } from '../../testing';
import { SEED_DAY, SEED_EXPECTED, seedTrades } from '../reports/testing/seed-trades';
import { createHttpApp, HttpConfigError, type HttpAppOptions } from './http-app';
import { storageReadModels } from './read-models';
import { tokenMatches } from './bearer-auth';
import { currentCorrelationId } from '../../driven/logging/correlation';
import { StubOrchestrator } from './testing/stub-orchestrator';

const TOKEN = 'tok-0123456789abcdef';
const clock = new FakeClock(SEED_DAY + 6 * 3_600_000);
const storage = openTempStorage(clock);
beforeAll(() => seedTrades(storage));
afterAll(() => storage.dispose());

/** A real HealthChecker whose DB check answers what the test says. */
function setup(overrides: Partial<HttpAppOptions> = {}, db: () => CheckResult = () => ({ status: 'ok' })) {
  const orchestrator = new StubOrchestrator();
  const logger = new RecordingLogger();
  const metrics = new PromMetrics({ processMetrics: false });
  const health = new HealthChecker({ clock, timers: systemTimers }, [
    { name: 'db', critical: true, check: async () => db() },
    { name: 'telegram', critical: false, check: async () => ({ status: 'degraded', detail: 'not configured' }) },
  ]);
  const readModels = storageReadModels({ ...storage, symbols: ['BTC/USDT'], prices: async () => dec('52000') });
  const app = createHttpApp({ orchestrator, health, metrics, readModels, apiToken: TOKEN, mode: 'paper', version: '9.9.9', logger, clock, ...overrides });
  return { app, orchestrator, logger, metrics };
}

describe('auth on the control and read endpoints', () => {
  const { app, orchestrator } = setup();

  it.each([
    ['POST', '/orchestrator/start'],
    ['POST', '/orchestrator/stop'],
    ['GET', '/orchestrator/status'],
    ['GET', '/api/trades'],
    ['GET', '/api/positions'],
    ['GET', '/api/pnl'],
  ])('%s %s: no token → 401, wrong token → 401, right token → 200', async (method, path) => {
    const call = () => (method === 'POST' ? request(app).post(path) : request(app).get(path));
    const none = await call();
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'HTTP.UNAUTHORIZED' });
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await call().set('Authorization', `Bearer ${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('wrong bearer token');
    const shorter = await call().set('Authorization', 'Bearer t');
    expect(shorter.status).toBe(401);
    const right = await call().set('Authorization', `Bearer ${TOKEN}`);
    expect(right.status).toBe(200);
  });

  it('a rejected call never reaches the orchestrator', async () => {
    const before = orchestrator.starts;
    await request(app).post('/orchestrator/start').set('Authorization', 'Basic abc');
    expect(orchestrator.starts).toBe(before);
  });

  it('probes and the scraper need no token', async () => {
    for (const path of ['/health', '/ready', '/metrics']) expect((await request(app).get(path)).status).toBe(200);
  });

  it('without a token configured (paper), control is open', async () => {
    const open = setup({ apiToken: null });
    expect((await request(open.app).post('/orchestrator/start')).status).toBe(200);
    expect(open.orchestrator.starts).toBe(1);
  });

  it('live mode refuses to build the app without a token', () => {
    expect(() => setup({ mode: 'live', apiToken: null })).toThrow(HttpConfigError);
    expect(() => setup({ mode: 'live' })).not.toThrow();
  });

  it('tokenMatches compares whole tokens of any length', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
  });
});

describe('orchestrator control', () => {
  const auth = { Authorization: `Bearer ${TOKEN}` };

  it('start, status, stop', async () => {
    const { app, orchestrator } = setup();
    const started = await request(app).post('/orchestrator/start').set(auth);
    expect(started.body).toMatchObject({ state: 'running', mode: 'paper' });
    expect((await request(app).get('/orchestrator/status').set(auth)).body.state).toBe('running');
    const stopped = await request(app).post('/orchestrator/stop').set(auth);
    expect(stopped.body.state).toBe('stopped');
    expect([orchestrator.starts, orchestrator.stops]).toEqual([1, 1]);
  });

  it('a failed start is a 500 with a code and the reason, no stack', async () => {
    const { app, orchestrator, logger } = setup();
    orchestrator.failNext = new Error('instance lock held by pid 42');
    const r = await request(app).post('/orchestrator/start').set(auth);
    expect(r.status).toBe(500);
    expect(r.body.error).toMatchObject({ code: 'ORCHESTRATOR.START_FAILED', message: 'instance lock held by pid 42' });
    expect(JSON.stringify(r.body)).not.toMatch(/\n\s+at /);
    expect(logger.at('error')).toHaveLength(1);
  });
});

describe('health and readiness', () => {
  it('/health lists every component and the orchestrator; degraded is still 200', async () => {
    const { app } = setup();
    const r = await request(app).get('/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'degraded', ready: true, mode: 'paper', version: '9.9.9', orchestrator: { state: 'stopped' } });
    expect(r.body.components.map((c: { name: string }) => c.name)).toEqual(['db', 'telegram']);
  });

  it('503 before ready, 200 once the critical components are ok', async () => {
    let db: CheckResult = { status: 'down', detail: 'migrating' };
    const { app } = setup({}, () => db);
    const before = await request(app).get('/ready');
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({ ready: false, components: [{ name: 'db', status: 'down', detail: 'migrating' }] });
    expect((await request(app).get('/health')).status).toBe(503);
    db = { status: 'ok' };
    expect((await request(app).get('/ready')).status).toBe(200);
  });
});

describe('/metrics', () => {
  it('serves the Prometheus text with the bot metrics and counts HTTP requests by route', async () => {
    const { app } = setup();
    await request(app).get('/health');
    await request(app).get('/nope');
    const r = await request(app).get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    for (const name of [
      'cab_orders_total',
      'cab_trades_completed_total',
      'cab_risk_blocked_total',
      'cab_loop_seconds',
      'cab_loop_last_run_timestamp_seconds',
      'cab_position_base',
      'cab_pnl_realized_quote',
      'cab_equity_quote',
      'cab_dlq_size',
    ]) {
      expect(r.text).toContain(`# TYPE ${name} `);
    }
    expect(r.text).toContain('cab_http_requests_total{method="GET",route="/health",status="200"} 1');
    expect(r.text).toContain('cab_http_requests_total{method="GET",route="unmatched",status="404"} 1');
  });
});

describe('/api read models (real SQLite)', () => {
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const { app } = setup();

  it('/api/trades: newest first, amounts as strings, filters and limits', async () => {
    const r = await request(app).get('/api/trades').set(auth);
    expect(r.status).toBe(200);
    expect(r.body.trades.map((t: { clientOrderId: string }) => t.clientOrderId)).toEqual([
      'cab-seed-5',
      'cab-seed-4',
      'cab-seed-3',
      'cab-seed-2',
      'cab-seed-1',
    ]);
    expect(r.body.trades[0]).toMatchObject({ side: 'buy', filledBase: '0.001', filledQuote: '50', averagePrice: '50000', fee: '0.000001', feeCurrency: 'BTC' });
    expect((await request(app).get('/api/trades?limit=2').set(auth)).body.trades).toHaveLength(2);
    expect((await request(app).get('/api/trades?symbol=eth/usdt').set(auth)).body.trades).toEqual([]);
    expect(
      (
        await request(app)
          .get(`/api/trades?since=${SEED_DAY + 4 * 3_600_000}`)
          .set(auth)
      ).body.trades,
    ).toHaveLength(2);
  });

  it('/api/positions: the stored position valued at the price source', async () => {
    const r = await request(app).get('/api/positions').set(auth);
    expect(r.body.positions).toEqual([
      expect.objectContaining({ symbol: 'BTC/USDT', baseQty: '0.000999', avgEntry: '50000', stopPrice: '49000', markPrice: '52000', unrealizedPnl: '1.998' }),
    ]);
  });

  it("/api/pnl: today's report by default, another day with ?date", async () => {
    const today = await request(app).get('/api/pnl').set(auth);
    expect(today.body).toMatchObject({ date: '2026-11-23', totals: { netQuote: SEED_EXPECTED.netQuote, winRate: '0.5', unrealizedQuote: '1.998' } });
    const other = await request(app).get('/api/pnl?date=2026-11-22').set(auth);
    expect(other.body.totals.fills).toBe(0);
  });

  it.each([
    ['/api/trades?limit=0', 'limit: expected 1..1000, got 0'],
    ['/api/trades?limit=abc', 'limit: expected an integer, got "abc"'],
    ['/api/trades?since=-5', 'since: expected an integer, got "-5"'],
    ['/api/pnl?date=2026-13-01', 'date: expected YYYY-MM-DD, got "2026-13-01"'],
  ])('%s → 400 JSON', async (path, message) => {
    const r = await request(app).get(path).set(auth);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: { code: 'HTTP.BAD_REQUEST', message, requestId: expect.any(String) } });
  });
});

describe('request handling', () => {
  it('echoes a sane X-Request-Id, replaces a hostile one, and runs the handler under it as correlation id', async () => {
    const { app, orchestrator } = setup({ apiToken: null, newRequestId: () => 'generated-1' });
    let seen: string | undefined;
    orchestrator.stop = async () => {
      seen = currentCorrelationId();
      throw new Error('boom');
    };
    const echoed = await request(app).post('/orchestrator/stop').set('X-Request-Id', 'abc-123');
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    expect(echoed.body.error.requestId).toBe('abc-123');
    expect(seen).toBe('abc-123');
    const replaced = await request(app).get('/health').set('X-Request-Id', 'a b <script>');
    expect(replaced.headers['x-request-id']).toBe('generated-1');
  });

  it('malformed JSON is a 400, an unknown route a 404, both JSON without a stack', async () => {
    const { app } = setup({ apiToken: null });
    const bad = await request(app).post('/orchestrator/start').set('Content-Type', 'application/json').send('{"x":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('HTTP.BAD_REQUEST');
    const missing = await request(app).delete('/health');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('HTTP.NOT_FOUND');
    expect(JSON.stringify([bad.body, missing.body])).not.toMatch(/\n\s+at /);
  });

  it('a bug in a read model is a 500 with a generic message; the stack goes to the log only', async () => {
    const { app, logger } = setup({
      apiToken: null,
      readModels: {
        trades: async () => {
          throw new Error('secret detail');
        },
        positions: async () => [],
        pnl: async () => {
          throw new Error('x');
        },
      },
    });
    const r = await request(app).get('/api/trades');
    expect(r.status).toBe(500);
    expect(r.body.error).toMatchObject({ code: 'HTTP.INTERNAL', message: 'internal error (logged)' });
    expect(JSON.stringify(r.body)).not.toContain('secret detail');
    expect(logger.text()).toContain('secret detail');
  });

  it('the worker variant has no control or /api routes', async () => {
    const { app } = setup({ control: false, readModels: undefined as never });
    expect((await request(app).get('/orchestrator/status').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(404);
    expect((await request(app).get('/api/trades').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(404);
    expect((await request(app).get('/metrics')).status).toBe(200);
  });
});
