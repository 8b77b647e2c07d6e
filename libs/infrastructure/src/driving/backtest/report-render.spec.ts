import * as fs from 'node:fs';
import { buildReport, EquityRecorder, type ReportFill } from '@cab/application';
import { dec } from '@cab/domain';
import { tempDir } from '../../testing';
import type { Candle } from '@cab/domain';
import { renderHtml, renderSummaryTable, writeReport } from './report-render';
import type { ChartData } from './report/chart-data';

function sampleReport() {
  const rec = new EquityRecorder();
  for (let i = 0; i < 50; i++)
    rec.record(1_670_889_600_000 + (i + 1) * 60_000, dec(String(1000 + Math.sin(i / 5) * 3)), dec(String(17000 + i)), i > 10 && i < 30);
  const fills: ReportFill[] = [
    {
      ts: 1_670_889_600_000 + 11 * 60_000,
      symbol: 'BTC/USDT',
      side: 'buy',
      price: '17011',
      amount: '0.0015',
      cost: '25.5165',
      fee: '0.000003',
      feeCurrency: 'BTC',
      orderId: '1',
      clientOrderId: 't-a',
      reason: 'EMA cross <up>',
    },
    {
      ts: 1_670_889_600_000 + 30 * 60_000,
      symbol: 'BTC/USDT',
      side: 'sell',
      price: '17030',
      amount: '0.001497',
      cost: '25.49391',
      fee: '0.05098782',
      feeCurrency: 'USDT',
      orderId: '2',
      clientOrderId: 't-b',
      reason: 'exit EXIT.TRAILING_STOP: price 17030 <= trailing stop 17031 (peak 17100 − 0.4 %)',
    },
  ];
  return buildReport({
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    strategy: 'ema_cross_rsi',
    params: { fast: 12 },
    from: 1_670_889_600_000,
    to: 1_670_892_540_000,
    candles: 50,
    elapsedMs: 5,
    startEquity: dec('1000'),
    fills,
    curve: rec.curve(),
    dailyCloses: rec.dailyCloses(),
    exposure: rec.exposure(),
    timeframeMs: 60_000,
    marketOpen: dec('17000'),
    marketClose: dec('17049'),
  });
}

/** The 50 one-minute candles of the sample report (rising one a minute, as its prices). */
const sampleCandles = (): Candle[] =>
  Array.from({ length: 50 }, (_, i) => ({
    ts: 1_670_889_600_000 + i * 60_000,
    open: 17000 + i - 0.5,
    high: 17001 + i,
    low: 16999 + i,
    close: 17000 + i,
    volume: 1,
  }));

/** The page's embedded chart data. */
const embedded = (html: string): ChartData =>
  JSON.parse(/<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null') as ChartData;

describe('backtest report rendering', () => {
  it('prints a summary table', () => {
    const t = renderSummaryTable(sampleReport());
    expect(t).toMatch(/^symbol\s+BTC\/USDT$/m);
    expect(t).toMatch(/^candles\s+50$/m);
    expect(t).toMatch(/^warm-up\s+0 candles of history before the period \(seen by the strategy, not traded, not counted\)$/m);
    expect(t).toMatch(/^fills \/ round trips\s+2 \/ 1$/m);
    expect(t).toMatch(/^exposure\s+38\.00 %$/m);
  });

  it('prints the trade metrics, buy and hold and the ratios it can give', () => {
    const t = renderSummaryTable(sampleReport());
    expect(t).toMatch(/^buy and hold\s+2\.88 \(0\.29 %, before fees\)$/m); // 1000 × 17049 / 17000 − 1000 = 2.882…
    expect(t).toMatch(/^Sharpe \(annualised\)\s+n\/a — too few daily returns \(1\)$/m);
    expect(t).toMatch(/^win \/ loss streak\s+0 \/ 1$/m);
  });

  it('renders a self-contained page: the chart library and the chart data inlined, nothing loaded from elsewhere, text escaped', () => {
    const r = sampleReport();
    const html = renderHtml(r, { candles: sampleCandles() });
    // The library's own license header and global, inlined whole.
    expect(html).toContain('TradingView Lightweight Charts™ v5.2.1');
    expect(html).toContain('window.LightweightCharts=');
    expect(html).toMatch(/Charts by <a href="https:\/\/www\.tradingview\.com\/">TradingView<\/a> Lightweight Charts™ v5\.2\.1/);
    // No external asset: no src attribute, no stylesheet link; the one href is the attribution.
    expect(html).not.toMatch(/\ssrc=|<link\s/);
    expect(html.match(/href="/g)).toHaveLength(1);
    expect(html).toContain('EMA cross &lt;up&gt;');
    const c = embedded(html);
    expect(c.ohlc).toBe(true);
    expect(c.bars).toHaveLength(49); // the report's range ends before the 50th
    expect(c.bars[0]).toEqual([1_670_889_600, 16999.5, 17001, 16999, 17000]);
    // One round trip: its entry and its exit, on the candles they were decided on (fills are stamped at the close).
    expect(r.closedTrades).toHaveLength(1);
    expect(c.markers.map((m) => [m.kind, m.time])).toEqual([
      ['entry', 1_670_889_600 + 10 * 60],
      ['exit', 1_670_889_600 + 29 * 60],
    ]);
    expect(c.markers[1]?.text).toBe('trail -0.29%');
    expect(html).toMatch(/data-round-trips="1"/);
    expect(html.match(/<tr class="trip">/g)).toHaveLength(1);
  });

  it('rounds for people: quote to cents, percentages to 2 places (report.json keeps the exact strings)', () => {
    const r = sampleReport();
    const trip = r.closedTrades[0]!;
    expect(trip.pnl).toBe('-0.07357782'); // realized 25.49391 − 25.5165 (the base fee already shrank what was sold), then the sell's fee 0.05098782
    expect(trip.pnlPct).toBe('-0.2884'); // of the 25.5165 spent
    const html = renderHtml(r, { candles: sampleCandles() });
    const row = /<tr class="trip">(.*?)<\/tr>/.exec(html)?.[1] ?? '';
    expect(row).toContain('>−0.29 %<');
    expect(row).toContain('>−0.07<');
    expect(row).toContain('>17,011.00<');
    expect(row).toContain('>trailing stop<');
    expect(html).toContain('n/a — too few daily returns (1)');
  });

  it('downsamples a year of 1m candles for the chart and says so on the page', () => {
    const start = Date.UTC(2024, 0, 1);
    const n = 525_600;
    const candles: Candle[] = new Array(n);
    for (let i = 0; i < n; i++) candles[i] = { ts: start + i * 60_000, open: 100, high: 101 + (i % 7), low: 99 - (i % 5), close: 100, volume: 1 };
    const rec = new EquityRecorder();
    for (let i = 0; i < n; i += 1) rec.record(start + (i + 1) * 60_000, dec('1000'), 100, false);
    const r = buildReport({
      symbol: 'BTC/USDT',
      base: 'BTC',
      quote: 'USDT',
      strategy: 's',
      params: {},
      from: start,
      to: start + n * 60_000,
      candles: n,
      elapsedMs: 1000,
      startEquity: dec('1000'),
      fills: [],
      curve: rec.curve(),
      dailyCloses: rec.dailyCloses(),
      exposure: 0,
      timeframeMs: 60_000,
      marketOpen: dec('100'),
      marketClose: dec('100'),
    });
    const html = renderHtml(r, { candles });
    const c = embedded(html);
    expect(c.barMs).toBe(30 * 60_000);
    expect(c.bars).toHaveLength(17_520);
    // A 30m bar holds its 30 candles' range.
    expect(c.bars[0]).toEqual([start / 1000, 100, 107, 95, 100]);
    expect(html).toContain('The chart shows 17,520 bars of 30m made from 525,600 candles of 1m');
    expect(Buffer.byteLength(html)).toBeLessThan(2_500_000);
    // 365 days of candles (the step at the last midnight closes the last day): the ratios are given.
    expect(r.summary.dailyReturns).toBe(365);
    expect(r.summary.ratios.sharpe).toEqual({ value: null, reason: 'the daily returns do not vary' });
    expect(r.periods.month).toHaveLength(12);
  });

  it('lists every round trip but only the first 2,000 fills on the page (report.json has them all)', () => {
    const fills: ReportFill[] = [];
    for (let i = 0; i < 1001; i++) {
      const ts = 1_670_889_600_000 + i * 120_000;
      const base = { symbol: 'BTC/USDT', feeCurrency: 'BTC', orderId: String(i), clientOrderId: null, reason: 'signal: x' };
      fills.push({ ...base, ts, side: 'buy', price: '100', amount: '0.25', cost: '25', fee: '0' });
      fills.push({ ...base, ts: ts + 60_000, side: 'sell', price: '101', amount: '0.25', cost: '25.25', fee: '0', feeCurrency: 'USDT' });
    }
    const r = buildReport({
      symbol: 'BTC/USDT',
      base: 'BTC',
      quote: 'USDT',
      strategy: 's',
      params: {},
      from: 1_670_889_600_000,
      to: 1_670_889_600_000 + 1001 * 120_000,
      candles: 2002,
      elapsedMs: 1,
      startEquity: dec('1000'),
      fills,
      curve: [],
      dailyCloses: [],
      exposure: 0.5,
      timeframeMs: 60_000,
      marketOpen: dec('100'),
      marketClose: dec('101'),
    });
    const html = renderHtml(r);
    expect(html.match(/<tr class="trip">/g)).toHaveLength(1001);
    expect(html).toContain('The first 2,000 of 2,002 fills; report.json has them all.');
    const fillsTable = /<table class="grid" id="fills">.*?<\/table>/s.exec(html)?.[0] ?? '';
    expect(fillsTable.match(/<tr>/g)).toHaveLength(2001); // the header and 2,000 fills
    expect(r.trades).toHaveLength(2002);
    // No candles and no equity curve: nothing to draw markers on, and none at an undefined time.
    expect(embedded(html).markers).toEqual([]);
  });

  it('writes report.json with trades and summary (candles, elapsedMs) and report.html', () => {
    const { dir, cleanup } = tempDir('cab-report-');
    try {
      const paths = writeReport(`${dir}/out`, sampleReport());
      const json = JSON.parse(fs.readFileSync(paths.json, 'utf8')) as { trades: unknown[]; summary: { candles: number; elapsedMs: number } };
      expect(Array.isArray(json.trades)).toBe(true);
      expect(json.trades).toHaveLength(2);
      expect(json.summary.candles).toBe(50);
      expect(json.summary.elapsedMs).toBe(5);
      expect(fs.readFileSync(paths.html, 'utf8')).toMatch(/^<!doctype html>/);
    } finally {
      cleanup();
    }
  });
});
