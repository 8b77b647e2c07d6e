import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BacktestReport, EquityPoint } from '@cab/application';

const iso = (ts: number) => new Date(ts).toISOString().replace('.000Z', 'Z');

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
    ['Sharpe (annualised)', s.sharpe === null ? 'n/a' : String(s.sharpe)],
    ['exposure', `${(s.exposure * 100).toFixed(2)} %`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

function polyline(points: readonly EquityPoint[], value: (p: EquityPoint) => number, width: number, height: number): string {
  if (points.length === 0) return '';
  const t0 = points[0]?.ts ?? 0;
  const t1 = points[points.length - 1]?.ts ?? t0;
  const vs = points.map(value);
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * width);
  const y = (v: number) => (hi === lo ? height / 2 : height - ((v - lo) / (hi - lo)) * height);
  return points.map((p, i) => `${x(p.ts).toFixed(1)},${y(vs[i] ?? 0).toFixed(1)}`).join(' ');
}

function chart(title: string, points: readonly EquityPoint[], value: (p: EquityPoint) => number, colour: string): string {
  const [w, h] = [900, 220];
  const vs = points.map(value);
  const lo = vs.length ? Math.min(...vs) : 0;
  const hi = vs.length ? Math.max(...vs) : 0;
  return `<figure><figcaption>${title} <small>(min ${lo.toFixed(2)}, max ${hi.toFixed(2)})</small></figcaption>
<svg viewBox="-2 -2 ${w + 4} ${h + 4}" width="100%" height="${h}" preserveAspectRatio="none" role="img" aria-label="${title}">
<rect x="0" y="0" width="${w}" height="${h}" fill="#fafafa" stroke="#ddd"/>
<polyline fill="none" stroke="${colour}" stroke-width="1.5" vector-effect="non-scaling-stroke" points="${polyline(points, value, w, h)}"/>
</svg></figure>`;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** A self-contained page (no script, no external asset): summary, equity and price charts, fills. */
export function renderHtml(r: BacktestReport): string {
  const rows = renderSummaryTable(r)
    .split('\n')
    .map((line) => {
      const [k, ...v] = line.split(/\s{2,}/);
      return `<tr><th>${esc(k ?? '')}</th><td>${esc(v.join('  '))}</td></tr>`;
    })
    .join('\n');
  const fills = r.trades
    .map(
      (f) =>
        `<tr><td>${iso(f.ts)}</td><td>${f.side}</td><td>${f.price}</td><td>${f.amount}</td><td>${f.cost}</td><td>${f.fee} ${esc(f.feeCurrency)}</td><td>${esc(f.reason ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backtest ${esc(r.summary.symbol)} ${esc(r.summary.strategy)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}figure{margin:1.5em 0}</style>
</head><body>
<h1>Backtest: ${esc(r.summary.symbol)} · ${esc(r.summary.strategy)}</h1>
<table>${rows}</table>
${chart('Equity (quote)', r.equity, (p) => Number(p.equity), '#1f77b4')}
${chart('Price', r.equity, (p) => p.price, '#555')}
<h2>Fills (${r.trades.length})</h2>
<table><tr><th>time (UTC)</th><th>side</th><th>price</th><th>amount</th><th>cost</th><th>fee</th><th>reason</th></tr>
${fills}
</table>
</body></html>
`;
}

/** Writes DIR/report.json and DIR/report.html; returns their paths. */
export function writeReport(dir: string, r: BacktestReport): { json: string; html: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'report.json');
  const html = path.join(dir, 'report.html');
  fs.writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  fs.writeFileSync(html, renderHtml(r));
  return { json, html };
}
