// Issue #19's "done when", with real processes: two BUILT servers (dist/apps/server/main.cjs) in paper
// mode, replaying the bundled candles, with DB_URL pointed at ONE database of the test run's throwaway
// Postgres and different BOT_IDs, both trade into their own rows side by side; a third process with
// an existing BOT_ID is refused by the instance lock; and the dashboard of one (Debian's chromium)
// lists both bots of the database, itself marked (docs/postgres.md). Every wait is for a condition
// under a generous ceiling.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@cab/infrastructure/testing';
import { killAll, startProcess, waitFor, type Started } from './e2e/processes';

const bin = path.resolve(__dirname, '../../../dist/apps/server/main.cjs');
const READY = /crypto-ai-bot server \(paper\) on (http:\/\/127\.0\.0\.1:\d+)/;
const CEILING_MS = 240_000;

let cwd: string;
let db: TestPostgresDatabase;
let browser: Browser | null = null;

beforeAll(async () => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-many-bots-'));
  db = await createTestPostgresDatabase('manybots');
});
afterAll(async () => {
  await browser?.close();
  await killAll();
  await db.drop();
  fs.rmSync(cwd, { recursive: true, force: true });
});

function env(botId: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    PORT: '0',
    DB_URL: db.url,
    BOT_ID: botId,
    // The bundled day (the default market data), one 1-minute candle every 100 ms.
    REPLAY_SPEED: '600',
    EVAL_INTERVAL_SEC: '0.05',
    EXITS_INTERVAL_SEC: '0.05',
    LOG_LEVEL: 'warn',
  };
}

/** Rows per BOT_ID, read straight from Postgres (not through either bot). */
async function rowsPerBot(table: 'orders' | 'fills'): Promise<Map<string, number>> {
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    const r = await c.query<{ bot_id: string; n: string }>(`SELECT bot_id, count(*) AS n FROM ${table} GROUP BY bot_id`);
    return new Map(r.rows.map((x) => [x.bot_id, Number(x.n)]));
  } finally {
    await c.end();
  }
}

it(
  'two BOT_IDs trade the bundled data into one Postgres side by side; a second process with the same BOT_ID is refused; the dashboard lists both bots',
  async () => {
    const a: Started = await startProcess([bin], { cwd, env: env('bot-a'), ready: READY, timeoutMs: CEILING_MS });
    const b: Started = await startProcess([bin], { cwd, env: env('bot-b'), ready: READY, timeoutMs: CEILING_MS });

    // Both make fills, each into its own rows, and no other bot_id appears.
    const fills = await waitFor(
      'fills from both bots',
      async () => {
        const f = await rowsPerBot('fills');
        return (f.get('bot-a') ?? 0) > 0 && (f.get('bot-b') ?? 0) > 0 ? f : null;
      },
      CEILING_MS,
    );
    expect([...fills.keys()].sort()).toEqual(['bot-a', 'bot-b']);
    expect([...(await rowsPerBot('orders')).keys()].sort()).toEqual(['bot-a', 'bot-b']);

    // A second process for bot-a on the same database is refused, naming the running one.
    const refused = await startProcess([bin], { cwd, env: env('bot-a'), ready: READY, timeoutMs: CEILING_MS }).then(
      () => null,
      (e: unknown) => String((e as Error).message),
    );
    expect(refused).toMatch(/exited with 2 before ready/);
    expect(refused).toContain(`bot "bot-a" is already running on this database: pid ${a.child.pid} on ${os.hostname()}`);
    // …and both bots still serve.
    for (const s of [a, b]) expect((await fetch(`${s.url}/health`)).status).toBeLessThan(500);

    // bot-a's dashboard (no API_TOKEN: paper on loopback is open) lists both bots, itself marked.
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    page.setDefaultTimeout(CEILING_MS);
    await page.goto(a.url);
    await page.waitForFunction(() => document.querySelector('[data-testid="bots"]')?.getAttribute('data-count') === '2');
    expect(await page.locator('[data-testid="bots"]').getAttribute('data-current')).toBe('bot-a');
    const rows = await page
      .locator('[data-testid="bots"] [data-bot]')
      .evaluateAll((es) =>
        es.map((e) => ({ bot: e.getAttribute('data-bot'), current: e.getAttribute('data-current'), fills: Number(e.closest('tr')?.children[2]?.textContent) })),
      );
    expect(rows.map((r) => [r.bot, r.current]).sort()).toEqual([
      ['bot-a', 'true'],
      ['bot-b', 'false'],
    ]);
    expect(rows.every((r) => r.fills > 0)).toBe(true);
  },
  CEILING_MS * 3,
);
