// The trader's window over real HTTP on loopback: a composed paper bot (real SQLite, PaperVenue,
// the real orchestrator) with a scripted market and strategy, so a position exists when the spec says.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@cab/application/testing';
import { startBot, type RunningBot } from '../app/bot-server';
import { parseSettings } from '../../settings';
import { systemClock } from '../../driven/time/system-time';
import { ScriptedMarketData, ScriptedStrategy, tempDir } from '../../testing';
import { dec, ZERO } from '@cab/domain';
import { PaperVenue } from '../../driven/venue/paper/paper-venue';
import { CSRF_HEADER } from './session-auth';
import { openSqliteStorage } from '../../driven/storage/sqlite-storage';

const TOKEN = 'dashboard-spec-token-0123456789abcdef0123456789';
const SYMBOL = 'BTC/USDT';
const tmp = tempDir('cab-dashboard-api-');
afterAll(() => tmp.cleanup());

let n = 0;
async function bot(env: Record<string, string> = {}): Promise<{ bot: RunningBot; strategy: ScriptedStrategy; logger: RecordingLogger }> {
  const market = new ScriptedMarketData(systemClock);
  market.setPrice(SYMBOL, '50000');
  const strategy = new ScriptedStrategy();
  const logger = new RecordingLogger();
  const settings = parseSettings(
    {
      MODE: 'paper',
      MARKET_DATA: 'synthetic',
      DB_PATH: join(tmp.dir, `bot-${++n}.db`),
      PORT: '0',
      SYMBOL,
      FIXED_AMOUNT: '100',
      PAPER_BALANCE: 'USDT=10000',
      API_TOKEN: TOKEN,
      EVAL_INTERVAL_SEC: '0.1',
      EXITS_INTERVAL_SEC: '0.1',
      RISK_LOSS_STREAK_MAX: '0',
      ...env,
    },
    { cwd: tmp.dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
  );
  const b = await startBot(settings, { role: 'server', overrides: { marketData: market, strategy, logger } });
  return { bot: b, strategy, logger };
}

async function until<T>(what: string, probe: () => Promise<T | null>, ms = 60_000): Promise<T> {
  const end = systemClock.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (systemClock.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const json = async (r: Response) => (await r.json()) as Record<string, unknown>;

describe('dashboard API (real HTTP, composed paper bot)', () => {
  it('logs in with a cookie, acts with CSRF protection, streams events, forces an exit, logs out', async () => {
    const { bot: b, strategy, logger } = await bot();
    const url = b.http.url;
    try {
      expect((await fetch(`${url}/api/status`)).status).toBe(401);
      expect((await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"wrong"}' })).status).toBe(
        401,
      );

      const login = await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: TOKEN }),
      });
      expect(login.status).toBe(200);
      const setCookie = login.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^cab_session=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).toMatch(/Expires=/);
      expect(setCookie).not.toMatch(/Secure/); // plain http on loopback
      const cookie = setCookie.split(';')[0]!;
      const label = String((await json(login))['label']);
      expect(label).toMatch(/^dashboard session [0-9a-f]{6}$/);

      // Security headers: a CSP allowing only this origin.
      const status = await fetch(`${url}/api/status`, { headers: { cookie } });
      expect(status.status).toBe(200);
      expect(status.headers.get('content-security-policy')).toContain("default-src 'self'");
      const s = await json(status);
      expect(s['mode']).toBe('paper');
      expect((s['health'] as { components: { name: string }[] }).components.map((c) => c.name)).toEqual(expect.arrayContaining(['db', 'broker', 'loops']));

      // Live events: one bus subscription fans out; the stream stays open while we act.
      const ac = new AbortController();
      const stream = await fetch(`${url}/api/events`, { headers: { cookie }, signal: ac.signal });
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = stream.body!.getReader();
      let received = '';
      const pump = (async () => {
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
          if (done) return;
          received += Buffer.from(value!).toString('utf8');
        }
      })();

      // A cookie alone cannot change state (CSRF); a foreign Origin is refused even with the header.
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${url}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      expect((await post('/api/control/stop-entries', {})).status).toBe(403);
      expect((await post('/api/control/stop-entries', {}, { [CSRF_HEADER]: '1', origin: 'http://evil.example' })).status).toBe(403);

      strategy.next = 'buy';
      const pos = await until('a position', async () => {
        const p = (await json(await fetch(`${url}/api/positions`, { headers: { cookie } })))['positions'] as { baseQty: string }[];
        return p.find((x) => Number(x.baseQty) > 0) ?? null;
      });
      strategy.next = 'hold';
      expect(pos.baseQty).toMatch(/^0\.00\d+$/);

      const stopped = await post('/api/control/stop-entries', { reason: 'spec' }, { [CSRF_HEADER]: '1' });
      expect(stopped.status).toBe(200);
      expect(((await json(stopped))['status'] as { trading: string }).trading).toBe('reducing');
      const halts = (await json(await fetch(`${url}/api/status`, { headers: { cookie } })))['halts'] as { code: string; reason: string }[];
      expect(halts).toEqual([expect.objectContaining({ code: 'OPERATOR.ENTRIES', reason: expect.stringContaining(label) })]);

      expect((await post('/api/control/force-exit', { symbol: 'DOGE/USDT' }, { [CSRF_HEADER]: '1' })).status).toBe(404);
      const exit = await post('/api/control/force-exit', { symbol: SYMBOL }, { [CSRF_HEADER]: '1' });
      expect(exit.status).toBe(200);
      expect((await json(exit))['result']).toEqual(expect.objectContaining({ symbol: SYMBOL, status: 'filled' }));
      const after = (await json(await fetch(`${url}/api/positions`, { headers: { cookie } })))['positions'] as { openedAt: number | null }[];
      expect(after[0]!.openedAt).toBeNull();
      const trades = (await json(await fetch(`${url}/api/trades`, { headers: { cookie } })))['trades'] as { side: string; reason: string }[];
      expect(trades[0]).toEqual(expect.objectContaining({ side: 'sell', reason: `exit FORCE: operator dashboard ${label}` }));
      // Paged: the page after the newest trade is the buy before it.
      const older = (await json(await fetch(`${url}/api/trades?limit=1&offset=1`, { headers: { cookie } })))['trades'] as { side: string }[];
      expect(older.map((t) => t.side)).toEqual(['buy']);
      const again = await post('/api/control/force-exit', { symbol: SYMBOL }, { [CSRF_HEADER]: '1' });
      expect(again.status).toBe(409);
      expect(((await json(again))['error'] as { code: string }).code).toBe('CONTROL.NO_POSITION');

      await until('the forced sell on the event stream', async () => (/event: trade\.completed\ndata: .*"side":"sell"/.test(received) ? true : null));
      ac.abort();
      await pump;

      // The read routes the panes use answer decimal strings.
      const perf = await json(await fetch(`${url}/api/performance`, { headers: { cookie } }));
      expect((perf['allTime'] as { closedTrades: number }).closedTrades).toBe(1);
      expect((perf['equity'] as { value: string }[]).every((p) => typeof p.value === 'string')).toBe(true);
      const chart = await json(await fetch(`${url}/api/candles?symbol=BTC/USDT&limit=20`, { headers: { cookie } }));
      expect((chart['markers'] as { side: string }[]).map((m) => m.side)).toEqual(['buy', 'sell']);
      const decisions = (await json(await fetch(`${url}/api/decisions`, { headers: { cookie } })))['decisions'] as {
        action: string;
        risk: { ok: boolean } | null;
      }[];
      expect(decisions.find((d) => d.action === 'buy')?.risk?.ok).toBe(true);
      const safety = await json(await fetch(`${url}/api/safety`, { headers: { cookie } }));
      // A paper bot on a SQLite file holds its BOT_ID's lock (beside its intent log): the page names the holder.
      expect(safety).toEqual(
        expect.objectContaining({
          lock: { holder: `pid ${process.pid} on ${os.hostname()}`, since: expect.any(Number) },
          deadLetters: { stored: 0, sinceStart: 0 },
        }),
      );

      // Every action audited with the session's label, never the token.
      const audit = await b.app.storage.audit.find({ kind: 'system' });
      expect(audit.map((a) => a.data['actor'])).toContainEqual({ via: 'dashboard', who: label });
      expect(JSON.stringify(audit) + logger.text()).not.toContain(TOKEN);

      // Logout: the cookie no longer authorises anything.
      expect((await fetch(`${url}/api/session`, { method: 'DELETE', headers: { cookie } })).status).toBe(200);
      expect((await fetch(`${url}/api/status`, { headers: { cookie } })).status).toBe(401);
      // The Bearer token still works (scripts, Telegram's process).
      expect((await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    } finally {
      await b.stop();
    }
  });

  it("cancels one open order through POST /api/control/cancel and leaves the pair's other open order alone", async () => {
    const { bot: b } = await bot({ AUTOSTART: 'false' });
    try {
      const broker = b.app.broker;
      if (!(broker instanceof PaperVenue)) throw new Error('the paper bot is expected to trade on a PaperVenue');
      const resting = async (clientOrderId: string, price: string) => {
        const o = await broker.placeRestingOrder(SYMBOL, 'buy', dec('0.001'), dec(price), clientOrderId);
        if (!o.ok) throw new Error(o.error.message);
        const ts = systemClock.now();
        await b.app.storage.orders.insert({
          clientOrderId,
          exchange: broker.name,
          exchangeOrderId: o.value.id,
          symbol: SYMBOL,
          side: 'buy',
          type: 'limit',
          requestedQuote: null,
          requestedBase: dec('0.001'),
          status: 'submitted',
          filledBase: ZERO,
          filledQuote: ZERO,
          averagePrice: null,
          fee: ZERO,
          feeCurrency: null,
          idempotencyKey: `spec:${clientOrderId}`,
          reason: 'spec: a resting order',
          createdAt: ts,
          updatedAt: ts,
        });
      };
      await resting('t-spec-cancel-1', '40000');
      await resting('t-spec-cancel-2', '41000');
      const post = (body: unknown) =>
        fetch(`${b.http.url}/api/control/cancel`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      const done = await post({ clientOrderId: 't-spec-cancel-1' });
      expect(done.status).toBe(200);
      expect((await json(done))['result']).toEqual({ clientOrderId: 't-spec-cancel-1', status: 'canceled' });
      expect((await b.app.storage.orders.byClientOrderId('t-spec-cancel-1'))?.status).toBe('canceled');
      const open = await broker.fetchOpenOrders(SYMBOL);
      expect(open.ok && open.value.map((o) => o.clientOrderId)).toEqual(['t-spec-cancel-2']);

      // Cancelled already, unknown, malformed: 4xx JSON, never a stack.
      const again = await post({ clientOrderId: 't-spec-cancel-1' });
      expect(again.status).toBe(409);
      expect(((await json(again))['error'] as { code: string }).code).toBe('CONTROL.NOT_OPEN');
      const unknown = await post({ clientOrderId: 't-spec-nope' });
      expect(unknown.status).toBe(404);
      expect(((await json(unknown))['error'] as { code: string }).code).toBe('CONTROL.UNKNOWN_ORDER');
      expect((await post({ clientOrderId: 'has spaces' })).status).toBe(400);
    } finally {
      await b.stop();
    }
  });

  it('answers why it did not buy: /api/decisions lists the refused rule with its limit and the observed value', async () => {
    const { bot: b, strategy } = await bot({ RISK_MAX_POSITION_BASE: '0.0001' });
    try {
      strategy.next = 'buy';
      type Decision = {
        action: string;
        risk: { ok: boolean; refusals: { rule: string; message: string; limit: string | null; observed: string | null }[] } | null;
      };
      const refused = await until('a refused buy', async () => {
        const r = await fetch(`${b.http.url}/api/decisions`, { headers: { authorization: `Bearer ${TOKEN}` } });
        const ds = (await json(r))['decisions'] as Decision[];
        return ds.find((d) => d.action === 'buy' && d.risk && !d.risk.ok) ?? null;
      });
      strategy.next = 'hold';
      // FIXED_AMOUNT 100 at ~50,000 is ~0.002 BTC: above the 0.0001 cap.
      expect(refused.risk!.refusals).toEqual([
        {
          rule: 'RISK.MAX_POSITION',
          message: expect.stringContaining('> max 0.0001 base'),
          limit: '0.0001',
          observed: expect.stringMatching(/^0\.00[12]\d*$/),
        },
      ]);
    } finally {
      await b.stop();
    }
  });

  it("lists the database's bots on GET /api/bots, read-only, this one marked; 401 without a session, 400 JSON on a bad limit", async () => {
    const dbPath = join(tmp.dir, 'two-bots.db');
    const { bot: b } = await bot({ AUTOSTART: 'false', BOT_ID: 'here', DB_PATH: dbPath });
    // A second bot writing into the same database (a SQLite file here; Postgres in dashboard.e2e).
    const other = openSqliteStorage({ path: dbPath, clock: systemClock, botId: 'there' });
    try {
      const ts = systemClock.now();
      const order = { exchange: 'paper', exchangeOrderId: null, symbol: SYMBOL, side: 'buy' as const, type: 'market' as const, requestedBase: null };
      const money = { requestedQuote: dec('100'), filledBase: ZERO, filledQuote: ZERO, averagePrice: null, fee: ZERO, feeCurrency: null };
      for (const id of ['o-1', 'o-2'])
        await other.orders.insert({ ...order, ...money, clientOrderId: id, status: 'new', idempotencyKey: null, reason: 'spec', createdAt: ts, updatedAt: ts });
      const get = (q = '', headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => fetch(`${b.http.url}/api/bots${q}`, { headers });

      expect((await get('', {})).status).toBe(401);
      const r = await get();
      expect(r.status).toBe(200);
      expect(await json(r)).toEqual({
        current: 'here',
        bots: [
          { botId: 'there', lastActivity: ts, orders: 2, fills: 0, openPositions: 0, current: false },
          // The serving bot has written nothing yet: listed anyway, so the pane shows where "here" is.
          { botId: 'here', lastActivity: null, orders: 0, fills: 0, openPositions: 0, current: true },
        ],
      });
      // Cut to one, the serving bot stays.
      expect(((await json(await get('?limit=1')))['bots'] as { botId: string }[]).map((x) => x.botId)).toEqual(['here']);
      for (const bad of ['?limit=abc', '?limit=0', '?limit=501']) {
        const res = await get(bad);
        expect(res.status).toBe(400);
        expect(((await json(res))['error'] as { code: string }).code).toBe('HTTP.BAD_REQUEST');
      }
    } finally {
      await other.close();
      await b.stop();
    }
  });

  it('rate-limits wrong logins with a 429 JSON', async () => {
    const { bot: b } = await bot({ AUTOSTART: 'false' });
    try {
      const tryLogin = () => fetch(`${b.http.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"nope"}' });
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await tryLogin()).status);
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      const limited = await tryLogin();
      expect(limited.status).toBe(429);
      expect(((await json(limited))['error'] as { code: string }).code).toBe('HTTP.TOO_MANY_REQUESTS');
    } finally {
      await b.stop();
    }
  });
});
