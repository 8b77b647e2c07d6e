import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BacktestReport, ReportRatio } from '@cab/application';
import { money, percent } from './report/format';
import { renderReportPage, type HtmlOptions } from './report/html-page';

export type { HtmlOptions } from './report/html-page';

const iso = (ts: number) => new Date(ts).toISOString().replace('.000Z', 'Z');

const ratio = (x: ReportRatio) => (x.value === null ? `n/a — ${x.reason}` : x.value.toFixed(2));

/** The summary as an aligned two-column table for the console. */
export function renderSummaryTable(r: BacktestReport): string {
  const s = r.summary;
  const rows: [string, string][] = [
    ['symbol', s.symbol],
    ['strategy', `${s.strategy} ${JSON.stringify(s.params)}`],
    ['period', `${iso(s.from)} → ${iso(s.to)}`],
    ['candles', String(s.candles)],
    ['warm-up', `${s.warmupCandles} candles of history before the period (seen by the strategy, not traded, not counted)`],
    ['elapsed', `${s.elapsedMs} ms (${s.candlesPerSecond.toLocaleString('en-US')} candles/s)`],
    ['fills / round trips', `${s.fills} / ${s.trades}`],
    ['win rate', s.winRate === null ? 'n/a' : `${(Number(s.winRate) * 100).toFixed(2)} % (${s.wins} won, ${s.losses} lost)`],
    ['profit factor', s.profitFactor ?? 'n/a'],
    ['start → end equity', `${s.startEquity} → ${s.endEquity}`],
    ['net PnL', `${s.netPnl} (${s.returnPct} %)`],
    ['realized PnL (gross)', s.realizedPnl],
    ['fees', s.fees],
    ['max drawdown', `${s.maxDrawdown} (${s.maxDrawdownPct} %)`],
    ['expectancy', `${money(s.expectancy)} per round trip (average win ${money(s.avgWin)}, loss ${money(s.avgLoss)})`],
    ['largest win / loss', `${money(s.largestWin)} / ${money(s.largestLoss)}`],
    ['win / loss streak', `${s.maxWinStreak} / ${s.maxLossStreak}`],
    ['buy and hold', `${money(r.buyAndHold.pnl)} (${percent(r.buyAndHold.returnPct)}, before fees)`],
    ['Sharpe (annualised)', ratio(s.ratios.sharpe)],
    ['Sortino (annualised)', ratio(s.ratios.sortino)],
    ['Calmar', ratio(s.ratios.calmar)],
    ['exposure', `${(s.exposure * 100).toFixed(2)} %`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

/**
 * The page: see report/html-page.ts (key figures, the chart with markers and stop lines, round
 * trips, exit reasons, breakdowns, fills), self-contained and offline. `opts.candles`: the run's
 * candles, for the candlestick chart (downsampled for a long run).
 */
export function renderHtml(r: BacktestReport, opts: HtmlOptions = {}): string {
  return renderReportPage(r, opts);
}

/** Writes DIR/report.json and DIR/report.html; returns their paths. */
export function writeReport(dir: string, r: BacktestReport, opts: HtmlOptions = {}): { json: string; html: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'report.json');
  const html = path.join(dir, 'report.html');
  fs.writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  fs.writeFileSync(html, renderHtml(r, opts));
  return { json, html };
}
