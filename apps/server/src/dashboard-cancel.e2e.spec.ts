// The dashboard's cancel control end to end: the BUILT server in live mode against the exchange
// emulator (both child processes), two resting orders placed by hand on the venue (the bot adopts
// them into its books), and Debian's chromium clicking "cancel" on one. Only that order goes: the
// other stays open on the venue and in the books (Broker.cancelOrder, not cancel-all). Every wait
// is for a condition under a generous ceiling.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ccxt from 'ccxt';
import { chromium, type Browser } from 'playwright-core';
import { killAll, startProcess, waitFor } from './e2e/processes';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'dist/apps/server/main.cjs');
const shots = path.join(root, 'tmp/dashboard-e2e');
const TOKEN = 'dashboard-cancel-e2e-token-5b1d8e2a7c4f4e0b9d3a';
const READY = /crypto-ai-bot server \(live\) on (http:\/\/127\.0\.0\.1:\d+)/;
const CEILING_MS = 180_000;

let cwd: string;
let browser: Browser | null = null;

beforeAll(() => {
  fs.mkdirSync(shots, { recursive: true });
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-dashboard-cancel-'));
});
afterAll(async () => {
  await browser?.close();
  await killAll();
  fs.rmSync(cwd, { recursive: true, force: true });
});

it(
  'cancels the one open order clicked; the pair’s other open order stays on the venue and in the books',
  async () => {
    const key = `e2e-cancel-${process.pid}-${Date.now()}`; // a fresh account: no clash with another instance lock
    const secret = 'e2e-cancel-secret';
    const emu = await startProcess(
      ['--import', 'tsx', path.join(root, 'tools/exchange-emulator/src/main.ts'), '--port', '0', '--api-key', key, '--api-secret', secret],
      {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', TSX_TSCONFIG_PATH: path.join(root, 'tools/exchange-emulator/tsconfig.lib.json') },
        ready: /listening on (http:\/\/127\.0\.0\.1:\d+\/api\/v4)/,
      },
    );
    // Orders placed by hand on the venue, far below the market so they rest (a real ccxt client, signed).
    const hand = new ccxt.gate({ apiKey: key, secret, has: { fetchCurrencies: false }, options: { fetchMarkets: { types: ['spot'] }, unifiedAccount: false } });
    const api = hand.urls['api'] as Record<string, Record<string, string>>;
    for (const scope of ['public', 'private']) for (const k of Object.keys(api[scope] ?? {})) (api[scope] as Record<string, string>)[k] = emu.url;
    const placed: { id: string }[] = [];
    for (const text of ['t-hand-1', 't-hand-2']) placed.push({ id: String((await hand.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 1000, { text })).id) });
    const ids = placed.map((o) => o.id).sort();

    const server = await startProcess([bin], {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: '0',
        MODE: 'live',
        MARKET_DATA: 'exchange',
        EXCHANGE_API_URL: emu.url,
        API_KEY: key,
        API_SECRET: secret,
        API_TOKEN: TOKEN,
        DB_PATH: path.join(cwd, 'live.db'),
        LOCK_DIR: path.join(cwd, 'locks'),
        RECONCILE_INTERVAL_SEC: '1',
        // No entries: the only orders are the two placed by hand.
        RISK_MAX_POSITION_BASE: '0.00000001',
        LOG_LEVEL: 'warn',
      },
      ready: READY,
    });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${server.url}/orchestrator/start`, { method: 'POST', headers: auth })).status).toBe(200);
    // The reconcile adopts the venue's open orders into the books.
    const adopted = await waitFor(
      'both hand-placed orders in the books',
      async () => {
        const r = await fetch(`${server.url}/api/orders/open`, { headers: auth });
        const orders = ((await r.json()) as { orders: { clientOrderId: string; exchangeOrderId: string | null }[] }).orders;
        return orders.length === 2 ? orders : null;
      },
      CEILING_MS,
    );
    expect(adopted.map((o) => o.exchangeOrderId).sort()).toEqual(ids);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    page.setDefaultTimeout(CEILING_MS);
    page.on('dialog', (d) => void d.accept()); // the cancel confirmation
    await page.goto(server.url);
    await page.fill('input[name="token"]', TOKEN);
    await page.click('[data-testid="login"] button[type="submit"]');
    await page.locator('[data-testid="cancel-order"]').nth(1).waitFor();
    const target = adopted.find((o) => o.exchangeOrderId === placed[0]!.id)!;
    await page.click(`[data-testid="cancel-order"][data-order="${target.clientOrderId}"]`);
    await page.waitForFunction((id) => (document.querySelector('[data-testid="notice"]')?.textContent ?? '') === `order ${id}: canceled`, target.clientOrderId);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="cancel-order"]').length === 1);
    await page.screenshot({ path: path.join(shots, 'after-cancel.png'), fullPage: true });

    // The venue agrees: the clicked order is cancelled, the other still open.
    const open = await hand.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => o.id)).toEqual([placed[1]!.id]);
    expect((await hand.fetchOrder(placed[0]!.id, 'BTC/USDT')).status).toBe('canceled');
  },
  CEILING_MS * 3,
);
