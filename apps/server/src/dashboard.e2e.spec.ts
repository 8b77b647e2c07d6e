// The trader's window in a real browser: the BUILT server (dist/apps/server/main.cjs, which serves
// dist/apps/dashboard) as a child process in paper mode on the bundled candles replayed fast, with
// API_TOKEN set, driven by Debian's chromium through playwright-core. Every wait is for a condition,
// under a generous ceiling; screenshots go to tmp/dashboard-e2e (gitignored).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { killAll, startProcess, waitFor, type Started } from './e2e/processes';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'dist/apps/server/main.cjs');
const shots = path.join(root, 'tmp/dashboard-e2e');
const TOKEN = 'dashboard-e2e-token-8c2f0f4e1b7a4d7e9a3b5c6d';
const READY = /crypto-ai-bot server \(paper\) on (http:\/\/127\.0\.0\.1:\d+)/;
const CHROMIUM = '/usr/bin/chromium';
const CEILING_MS = 240_000;

let cwd: string;
let browser: Browser | null = null;
let server: Started;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-dashboard-'));
  server = await startProcess([bin], {
    cwd,
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: '0',
      API_TOKEN: TOKEN,
      // One 1-minute candle every 100 ms: the default strategy trades within seconds.
      REPLAY_SPEED: '600',
      EVAL_INTERVAL_SEC: '0.05',
      EXITS_INTERVAL_SEC: '0.05',
      RECONCILE_INTERVAL_SEC: '1',
      WATCHDOG_INTERVAL_SEC: '0.5',
      LOG_LEVEL: 'warn',
    },
    ready: READY,
  });
  // The sandbox needs user namespaces a CI container (running as root) does not have; the browser only visits loopback.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await killAll();
  fs.rmSync(cwd, { recursive: true, force: true });
});

const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
const attr = async (page: Page, id: string, name: string) => (await testId(page, id).getAttribute(name)) ?? '';

it(
  'log in, see a trade arrive live, stop entries, force an exit, log out',
  async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1500 } });
    // Playwright's own waits default to 30 s: a ceiling against hangs here too, not a speed assertion.
    page.setDefaultTimeout(CEILING_MS);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => void d.accept()); // the force-exit confirmation

    await page.goto(server.url);
    await testId(page, 'login').waitFor({ state: 'visible' });
    expect(await testId(page, 'app').isHidden()).toBe(true);

    // A wrong token is refused and says so; the right one opens the window.
    await page.fill('input[name="token"]', 'not-the-token');
    await page.click('[data-testid="login"] button[type="submit"]');
    await testId(page, 'login-error').waitFor({ state: 'visible' });
    await page.fill('input[name="token"]', TOKEN);
    await page.click('[data-testid="login"] button[type="submit"]');
    await testId(page, 'app').waitFor({ state: 'visible' });
    for (const pane of ['status', 'positions', 'trades', 'equity-chart', 'price-chart', 'decisions', 'safety']) await testId(page, pane).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="live"]')?.getAttribute('data-live') === 'true');

    // A trade appears in the trades pane without a reload (pushed by /api/events).
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="trades"]')?.getAttribute('data-count') ?? '0') > 0, null, {
      timeout: CEILING_MS,
    });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="price-chart"]')?.getAttribute('data-candles') ?? '0') > 0);
    await page.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true });

    // Stop entries while a position is open, then force its exit. The strategy may close a position
    // by itself between the two clicks: then resume and wait for the next one.
    const deadline = Date.now() + CEILING_MS;
    let exited = false;
    while (!exited) {
      if (Date.now() > deadline) throw new Error('no open position to force out before the ceiling');
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="positions"]')?.getAttribute('data-count') ?? '0') > 0, null, {
        timeout: CEILING_MS,
      });
      await testId(page, 'stop-entries').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.getAttribute('data-trading') === 'reducing');
      // Wait for the operator's halt itself: a RISK.LOSS_STREAK halt already puts the state at
      // "reducing", so the state alone may be seen before the pane shows OPERATOR.ENTRIES.
      await page.waitForFunction(() => (document.querySelector('[data-testid="halts"]')?.textContent ?? '').includes('OPERATOR.ENTRIES'));
      const button = page.locator('[data-testid="force-exit"][data-symbol="BTC/USDT"]');
      if ((await button.count()) === 0) {
        await testId(page, 'resume').click();
        await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.getAttribute('data-trading') === 'active');
        continue;
      }
      await button.click();
      await page.waitForFunction(() => /force exit of|CONTROL\./.test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''));
      const notice = await testId(page, 'notice').innerText();
      if (/CONTROL\.NO_POSITION/.test(notice)) {
        await testId(page, 'resume').click();
        continue;
      }
      expect(notice).toContain('force exit of BTC/USDT sent');
      exited = true;
    }
    // The position is gone (entries stay stopped, so none reopens) and the forced sell is listed.
    await page.waitForFunction(() => document.querySelector('[data-testid="positions"]')?.getAttribute('data-count') === '0');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="trade-reason"]')].some((e) =>
        /^exit FORCE: operator dashboard dashboard session [0-9a-f]{6}$/.test(e.textContent ?? ''),
      ),
    );
    expect(await attr(page, 'status', 'data-trading')).toBe('reducing');
    await page.screenshot({ path: path.join(shots, 'after-force-exit.png'), fullPage: true });

    // No secret anywhere in the page, and nothing the CSP refused.
    expect(await page.content()).not.toContain(TOKEN);
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);

    // Log out: the login form is back and the API answers 401 to this browser.
    await testId(page, 'logout').click();
    await testId(page, 'login').waitFor({ state: 'visible' });
    const after = await page.evaluate(async () => (await fetch('/api/status')).status);
    expect(after).toBe(401);
    await page.screenshot({ path: path.join(shots, 'logged-out.png') });

    // The bot kept its books: the Bearer API sees the operator's halt, with who set it.
    const status = await waitFor('status over Bearer', async () => {
      const r = await fetch(`${server.url}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return r.ok ? ((await r.json()) as { halts: { code: string; reason: string }[] }) : null;
    });
    expect(status.halts).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'OPERATOR.ENTRIES', reason: expect.stringMatching(/dashboard session/) })]),
    );
  },
  CEILING_MS * 3,
);
