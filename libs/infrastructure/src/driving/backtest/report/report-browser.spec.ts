// The report page in a real browser: Debian's chromium, headless, through playwright-core, on a
// file:// URL with every other request refused. The report is a real backtest on the bundled
// candles (libs/infrastructure/assets/candles), with exits tight enough that stops and trails fire.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { BacktestReport } from '@cab/application';
import { bundledCandleFile, readCandleFile } from '../../../driven/market-data/candle-csv';
import { parseSettings } from '../../../settings';
import { tempDir } from '../../../testing';
import { runBacktest } from '../run-backtest';
import { writeReport } from '../report-render';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Run in the page: each chart canvas's size and how many colours are painted on it (up to 64).
 * A string, because this project's types have no DOM.
 */
const CANVAS_PROBE = `Array.from(document.querySelectorAll('#chart canvas')).map(function (c) {
  var ctx = c.getContext('2d');
  if (!ctx || c.width === 0 || c.height === 0) return { w: c.width, h: c.height, colours: 0 };
  var d = ctx.getImageData(0, 0, c.width, c.height).data;
  var seen = new Set();
  for (var i = 0; i < d.length && seen.size < 64; i += 4) if (d[i + 3] > 0) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return { w: c.width, h: c.height, colours: seen.size };
})`;
/** Screenshots for people to look at; tmp/ is gitignored. */
const SHOTS = path.resolve(__dirname, '../../../../../../tmp/report-screenshots');

describe('the backtest report in chromium', () => {
  let browser: Browser;
  let tmp: { dir: string; cleanup: () => void };

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(() => {
    tmp = tempDir('cab-report-browser-');
  });
  afterEach(() => tmp.cleanup());

  it('draws the candles, markers for every round trip, the stop lines, equity and drawdown, and a row per round trip, offline and without an error', async () => {
    const candles = readCandleFile(bundledCandleFile());
    const settings = parseSettings(
      { EXIT_STOP_PCT: '0.003', EXIT_TRAIL_ACTIVATE_PCT: '0.002', EXIT_TRAIL_PCT: '0.0015', RISK_MAX_ORDERS_PER_HOUR: '0', RISK_LOSS_STREAK_MAX: '0' },
      { cwd: tmp.dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
    );
    const report = await runBacktest({ candles, symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', settings });
    const trips = report.closedTrades.length;
    expect(trips).toBeGreaterThanOrEqual(3);
    // The run exercised what the chart shows: a stop and a trailing level recorded.
    expect(report.closedTrades.some((t) => t.stop !== null)).toBe(true);
    expect(report.closedTrades.some((t) => t.trail !== null)).toBe(true);
    const paths = writeReport(path.join(tmp.dir, 'out'), report, { candles });
    const json = JSON.parse(fs.readFileSync(paths.json, 'utf8')) as BacktestReport;
    expect(json.closedTrades).toHaveLength(trips);

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      refused.push(url);
      return route.abort();
    });
    // Wait for the page's script to finish drawing, however long a loaded machine takes (jest's
    // ceiling ends a hang); a script error ends the wait at once, with its message.
    const scriptFailed = new Promise<never>((_, reject) => page.on('pageerror', (e) => reject(e)));
    scriptFailed.catch(() => undefined); // a later error is in `problems`
    await page.goto(`file://${paths.html}`);
    await Promise.race([page.waitForSelector('body[data-chart="ready"]', { timeout: 0 }), scriptFailed]);

    const open = json.openTrade ? 1 : 0;
    expect(await page.getAttribute('body', 'data-markers')).toBe(String(trips * 2 + open));
    expect(await page.locator('#round-trips tbody tr').count()).toBe(trips);
    expect(Number(await page.getAttribute('body', 'data-bars'))).toBe(report.summary.candles);

    // Each pane (price, equity, drawdown) is a canvas with more than its background and grid on it.
    const canvases = (await page.evaluate(CANVAS_PROBE)) as { w: number; h: number; colours: number }[];
    const panes = canvases.filter((c) => c.w > 600 && c.h > 80);
    expect(panes.length).toBeGreaterThanOrEqual(3);
    expect(panes.filter((c) => c.colours > 8).length).toBeGreaterThanOrEqual(3);

    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'report-full.png'), fullPage: true });
    await page.locator('#chart').screenshot({ path: path.join(SHOTS, 'report-chart.png') });
    await page.close();

    expect(problems).toEqual([]);
    expect(refused).toEqual([]);
  });
});
