import * as fs from 'node:fs';
import { buildReport, EquityRecorder, type ReportFill } from '@cab/application';
import { dec } from '@cab/domain';
import { tempDir } from '../testing';
import { renderHtml, renderSummaryTable, writeReport } from './report-render';

function sampleReport() {
  const rec = new EquityRecorder();
  for (let i = 0; i < 50; i++) rec.record(1_670_889_600_000 + i * 60_000, dec(String(1000 + Math.sin(i / 5) * 3)), dec(String(17000 + i)), i > 10 && i < 30);
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
      reason: 'trailing stop',
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
    exposure: rec.exposure(),
    timeframeMs: 60_000,
  });
}

describe('backtest report rendering', () => {
  it('prints a summary table', () => {
    const t = renderSummaryTable(sampleReport());
    expect(t).toMatch(/^symbol\s+BTC\/USDT$/m);
    expect(t).toMatch(/^candles\s+50$/m);
    expect(t).toMatch(/^warm-up\s+0 candles of history before the period \(seen by the strategy, not traded, not counted\)$/m);
    expect(t).toMatch(/^fills \/ round trips\s+2 \/ 1$/m);
    expect(t).toMatch(/^exposure\s+38\.00 %$/m);
  });

  it('renders a self-contained page with both charts and escaped text', () => {
    const html = renderHtml(sampleReport());
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<polyline /g)).toHaveLength(2);
    expect(html).toContain('EMA cross &lt;up&gt;');
    expect(html).not.toMatch(/<script|src="http|href="http/);
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
