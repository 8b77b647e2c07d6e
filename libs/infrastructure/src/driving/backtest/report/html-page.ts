import type { BacktestReport, PeriodRow, ReportRatio } from '@cab/application';
import type { Candle } from '@cab/domain';
import { chartData, MAX_CHART_BARS, type ChartData } from './chart-data';
import { chartLibrary } from './chart-library';
import { CHART_SCRIPT } from './chart-script';
import { duration, esc, fractionPercent, money, percent, price, signedMoney, time, timeframe } from './format';

export interface HtmlOptions {
  /** The run's candles (those outside the report's range are left out); without them the chart draws the equity curve's prices. */
  candles?: readonly Candle[];
  /** Most bars on the chart (default MAX_CHART_BARS). */
  maxBars?: number;
}

const EXIT_NAMES: Record<string, string> = {
  signal: 'strategy signal',
  'EXIT.STOP_LOSS': 'stop-loss',
  'EXIT.TRAILING_STOP': 'trailing stop',
  'EXIT.TAKE_PROFIT': 'take-profit',
};
const exitName = (r: string) => EXIT_NAMES[r] ?? r;

/** JSON inside <script type="application/json">: "<" escaped so no text in it can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const ratio = (r: ReportRatio) => (r.value === null ? `n/a — ${esc(r.reason)}` : r.value.toFixed(2));

const signClass = (v: string | null) => (v === null ? '' : v.startsWith('-') ? ' class="neg"' : /[1-9]/.test(v) ? ' class="pos"' : '');

function kv(rows: [string, string][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function keyFigures(r: BacktestReport): string {
  const s = r.summary;
  const q = esc(s.symbol.split('/')[1] ?? '');
  const h = r.buyAndHold;
  const results = kv([
    ['start → end equity', `${money(s.startEquity)} → ${money(s.endEquity)} ${q}`],
    ['net PnL', `<span${signClass(s.netPnl)}>${signedMoney(s.netPnl)} ${q} (${percent(s.returnPct)})</span>`],
    [
      'buy and hold',
      `<span${signClass(h.pnl)}>${signedMoney(h.pnl)} ${q} (${percent(h.returnPct)})</span> <small>${price(h.entryPrice)} → ${price(h.exitPrice)}, before fees</small>`,
    ],
    ['realized PnL (gross) / fees', `${money(s.realizedPnl)} / ${money(s.fees)} ${q}`],
    ['max drawdown', `${money(s.maxDrawdown)} ${q} (${percent(s.maxDrawdownPct)})`],
    ['exposure', fractionPercent(s.exposure)],
  ]);
  const trades = kv([
    ['round trips (fills)', `${s.trades} (${s.fills})`],
    ['win rate', s.winRate === null ? 'n/a' : `${fractionPercent(s.winRate)} <small>(${s.wins} won, ${s.losses} lost)</small>`],
    ['profit factor', s.profitFactor === null ? 'n/a' : money(s.profitFactor)],
    ['expectancy per round trip', `${money(s.expectancy)} ${q}`],
    ['average win / loss', `${money(s.avgWin)} / ${money(s.avgLoss)} ${q}`],
    ['largest win / loss', `${money(s.largestWin)} / ${money(s.largestLoss)} ${q}`],
    ['longest win / loss streak', `${s.maxWinStreak} / ${s.maxLossStreak}`],
  ]);
  const ratios = kv([
    ['Sharpe (annualised)', ratio(s.ratios.sharpe)],
    ['Sortino (annualised)', ratio(s.ratios.sortino)],
    ['Calmar', ratio(s.ratios.calmar)],
    ['daily returns', `${s.dailyReturns} <small>(UTC days; the ratios need 30)</small>`],
  ]);
  return `<section class="cards"><div><h3>Result</h3>${results}</div><div><h3>Round trips</h3>${trades}</div><div><h3>Risk-adjusted</h3>${ratios}</div></section>`;
}

function chartSection(c: ChartData): string {
  const downsampled =
    c.barMs !== c.candleMs
      ? `<p class="note" id="downsample-note">The chart shows ${c.bars.length.toLocaleString('en-US')} bars of ${timeframe(c.barMs)} made from ${c.candles.toLocaleString('en-US')} candles of ${timeframe(c.candleMs)} (at most ${MAX_CHART_BARS.toLocaleString('en-US')} bars keep the page small); markers and stop levels sit on the bar that holds them. The tables are from every candle.</p>`
      : '';
  const unlabelled =
    c.markers.length > 300
      ? `<p class="note">${c.markers.length.toLocaleString('en-US')} markers: drawn without their labels (the round-trip table has them).</p>`
      : '';
  const noCandles = c.ohlc ? '' : '<p class="note">No candles were given to the renderer: the price line is the equity curve\'s samples.</p>';
  return `<section>
<h2>Chart <button id="reset-zoom" type="button">fit all</button></h2>
<p class="note">Price (${c.ohlc ? 'candles' : 'line'}) with entries ▲, exits ▼ (the exit reason and the round trip's profit), the hard stop (red, dashed) and the trailing stop (orange, dashed); equity; drawdown from the running peak. Scroll or pinch to zoom, drag to pan; times are UTC.</p>
${downsampled}${unlabelled}${noCandles}
<div id="chart" style="height:680px"></div>
</section>`;
}

function roundTripTable(r: BacktestReport): string {
  const rows = r.closedTrades
    .map(
      (t, i) =>
        `<tr class="trip"><td>${i + 1}</td><td>${time(t.openedTs)}</td><td class="num">${price(t.entryPrice)}</td><td>${time(t.closedTs)}</td><td class="num">${price(t.exitPrice)}</td><td class="num">${duration(t.holdingMs)}</td><td class="num"${signClass(t.pnl)}>${percent(t.pnlPct)}</td><td class="num"${signClass(t.pnl)}>${signedMoney(t.pnl)}</td><td class="num">${money(t.fees)}</td><td>${esc(exitName(t.exitReason))}</td><td class="num">${t.stop === null ? '—' : price(t.stop)}</td><td class="num">${t.trail === null ? '—' : price(t.trail)}</td></tr>`,
    )
    .join('\n');
  const open = r.openTrade
    ? `<p class="note">Still open at the end: bought ${time(r.openTrade.openedTs)} at ${price(r.openTrade.entryPrice)} (valued in the equity, not in this table).</p>`
    : '';
  return `<section><h2>Round trips (${r.closedTrades.length})</h2>${open}
<table class="grid" id="round-trips"><thead><tr><th>#</th><th>entry (UTC)</th><th>entry price</th><th>exit (UTC)</th><th>exit price</th><th>held</th><th>profit %</th><th>profit</th><th>fees</th><th>exit reason</th><th>stop</th><th>trailing stop</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p class="note">Profit is net of fees (Gate takes a buy's fee in base, valued here at the fill price), as a % of the quote spent on the buys.</p></section>`;
}

function exitReasonTable(r: BacktestReport): string {
  const rows = r.exitReasons
    .map(
      (e) =>
        `<tr><td>${esc(exitName(e.reason))}</td><td class="num">${e.trades}</td><td class="num">${e.wins} / ${e.losses}</td><td class="num"${signClass(e.pnl)}>${signedMoney(e.pnl)}</td><td class="num">${percent(e.avgPnlPct)}</td><td class="num">${duration(e.avgHoldingMs)}</td></tr>`,
    )
    .join('\n');
  return `<section><h2>Exit reasons</h2><table class="grid" id="exit-reasons"><thead><tr><th>reason</th><th>round trips</th><th>won / lost</th><th>profit</th><th>mean profit %</th><th>mean held</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function periodTable(title: string, id: string, rows: readonly PeriodRow[], open: boolean): string {
  const body = rows
    .map(
      (p) =>
        `<tr><td>${esc(p.label)}</td><td class="num">${p.trades}</td><td class="num">${p.wins} / ${p.losses}</td><td class="num"${signClass(p.pnl)}>${signedMoney(p.pnl)}</td><td class="num">${money(p.endEquity)}</td><td class="num"${signClass(p.returnPct)}>${percent(p.returnPct)}</td></tr>`,
    )
    .join('\n');
  return `<details${open ? ' open' : ''}><summary>${title} (${rows.length})</summary><table class="grid" id="${id}"><thead><tr><th>${id === 'by-week' ? 'week from' : 'period'}</th><th>round trips closed</th><th>won / lost</th><th>profit</th><th>equity at the end</th><th>return</th></tr></thead><tbody>${body}</tbody></table></details>`;
}

/** Fills listed on the page at most: a year's 8,000 fills would double the page; report.json has them all. */
export const MAX_FILL_ROWS = 2_000;

function fillsTable(r: BacktestReport): string {
  const cut = r.trades.length > MAX_FILL_ROWS;
  const rows = r.trades
    .slice(0, MAX_FILL_ROWS)
    .map(
      (f) =>
        `<tr><td>${time(f.ts)}</td><td>${f.side}</td><td class="num">${price(f.price)}</td><td class="num">${esc(f.amount)}</td><td class="num">${money(f.cost)}</td><td class="num">${esc(f.fee)} ${esc(f.feeCurrency)}</td><td>${esc(f.reason ?? '')}</td></tr>`,
    )
    .join('\n');
  const note = cut
    ? `<p class="note" id="fills-cut">The first ${MAX_FILL_ROWS.toLocaleString('en-US')} of ${r.trades.length.toLocaleString('en-US')} fills; report.json has them all.</p>`
    : '';
  return `<details><summary>Fills (${r.trades.length})</summary>${note}<table class="grid" id="fills"><thead><tr><th>time (UTC)</th><th>side</th><th>price</th><th>amount (base)</th><th>value</th><th>fee</th><th>reason</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#222}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.4em 0 .4em}h3{font-size:1em;margin:.2em 0}
.sub{color:#555;margin:0 0 1em}.note{color:#666;font-size:.9em;margin:.3em 0}small{color:#666}
.cards{display:flex;flex-wrap:wrap;gap:1em}.cards>div{flex:1 1 340px;border:1px solid #e3e3e3;border-radius:6px;padding:.6em .8em}
table{border-collapse:collapse}.kv th{text-align:left;font-weight:normal;color:#555;padding:2px 12px 2px 0}.kv td{padding:2px 0}
.grid{width:100%;margin:.3em 0}.grid th,.grid td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}
.grid th{background:#fafafa;position:sticky;top:0}.num{text-align:right!important;font-variant-numeric:tabular-nums}
.pos{color:#2e7d32}.neg{color:#c62828}details{margin:.6em 0}summary{cursor:pointer;font-weight:600}
#chart{border:1px solid #e3e3e3;border-radius:6px}button{font-size:.8em;margin-left:1em}footer{margin:2em 0;color:#666;font-size:.85em}`;

/**
 * The report as one self-contained page (no request leaves it: the chart library and the data are
 * inlined): key figures, the chart, round trips, exit reasons, day/week/month breakdowns, fills.
 */
export function renderReportPage(r: BacktestReport, opts: HtmlOptions = {}): string {
  const s = r.summary;
  const lib = chartLibrary();
  const chart = chartData(r, opts.candles, opts.maxBars);
  const params = Object.keys(s.params).length ? ` ${JSON.stringify(s.params)}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Backtest ${esc(s.symbol)} ${esc(s.strategy)}</title>
<style>${STYLE}</style>
</head><body data-round-trips="${r.closedTrades.length}" data-open-trades="${r.openTrade ? 1 : 0}" data-chart="pending">
<h1>Backtest: ${esc(s.symbol)} · ${esc(s.strategy)}${esc(params)}</h1>
<p class="sub">${time(s.from)} → ${time(s.to)} UTC · ${s.candles.toLocaleString('en-US')} candles of ${timeframe(s.timeframeMs)} (after ${s.warmupCandles.toLocaleString('en-US')} of warm-up) · run in ${s.elapsedMs.toLocaleString('en-US')} ms (${s.candlesPerSecond.toLocaleString('en-US')} candles/s)</p>
${keyFigures(r)}
${chartSection(chart)}
${roundTripTable(r)}
${exitReasonTable(r)}
<section><h2>By period (UTC)</h2>
${periodTable('By month', 'by-month', r.periods.month, true)}
${periodTable('By week (Monday to Sunday)', 'by-week', r.periods.week, r.periods.week.length <= 12)}
${periodTable('By day', 'by-day', r.periods.day, r.periods.day.length <= 14)}
</section>
<section><h2>Fills</h2>${fillsTable(r)}</section>
<footer>Amounts in the page are rounded for reading (quote to cents, percentages to 2 places); report.json beside it keeps the exact decimal strings.
Charts by <a href="https://www.tradingview.com/">TradingView</a> Lightweight Charts™ v${esc(lib.version)}, Copyright (c) TradingView, Inc. (https://www.tradingview.com/), Apache License 2.0, inlined below with its license notice.</footer>
<script type="application/json" id="chart-data">${scriptJson(chart)}</script>
<script>
${lib.source}
</script>
<script>
${CHART_SCRIPT}</script>
</body></html>
`;
}
