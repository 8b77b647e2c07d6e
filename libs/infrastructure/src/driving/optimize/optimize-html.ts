import { compareScores } from './objectives';
import type { CombinedResult, OptimizeResult, OptimizeRun, WindowResult } from './optimize-result';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const iso = (ts: number) => new Date(ts).toISOString().replace(':00.000Z', 'Z');
const params = (p: Record<string, unknown>) =>
  Object.entries(p)
    .map(([k, v]) => `${esc(k)}=${esc(String(v))}`)
    .join(', ');
const scoreText = (s: string | null | undefined) => (s === null || s === undefined ? 'n/a' : esc(s));
/** The table shows at most this many runs (optimize.json has them all). */
const MAX_ROWS = 500;

function windowCell(w: WindowResult | undefined): string {
  if (!w) return '<td>–</td>';
  const s = w.datasets.map((d) => `${esc(d.symbol)} ${esc(d.summary.returnPct)} %, ${d.summary.trades} trades`).join('<br>');
  return `<td class="num">${scoreText(w.score)}<br><small>${s}</small></td>`;
}

function combinedRows(label: string, c: CombinedResult | null): string {
  if (!c) return '';
  return c.datasets
    .map(
      (d) =>
        `<tr><th>${esc(label)}</th><td>${esc(d.symbol)}</td><td>${iso(d.from)} → ${iso(d.to)}</td><td class="num">${scoreText(d.score)}</td><td class="num">${scoreText(d.returnPct)} %</td><td class="num">${esc(d.maxDrawdownPct)} %</td></tr>`,
    )
    .join('\n');
}

/**
 * optimize.html: one self-contained page (no script, no external asset, opens offline) — the
 * headline (out-of-sample when walking forward), the overfitting warning, the walk-forward folds
 * with in-sample against out-of-sample, the parameters to trade next, and the runs ranked by the
 * objective on their training windows.
 */
export function renderOptimizeHtml(r: OptimizeResult): string {
  const ranked = [...r.runs].sort((a, b) => compareScores(a.inSample.score, b.inSample.score) || a.id - b.id);
  const oosHeadline = r.headline.outOfSample;
  const head = oosHeadline ?? r.headline.inSample;
  const warning = r.overfitting.warning
    ? `<p class="warn" role="alert"><strong>Overfitting warning:</strong> ${esc(r.overfitting.reason ?? '')}. Treat the in-sample figures as optimistic.</p>`
    : '';
  const foldBars = r.folds.map((f) => ({ f: f.fold, is: Number(f.inSample.score ?? 0), oos: Number(f.outOfSample.score ?? 0) }));
  const maxAbs = Math.max(1e-9, ...foldBars.flatMap((b) => [Math.abs(b.is), Math.abs(b.oos)]));
  // Scores as bars (a picture, not money): grey in-sample, blue out-of-sample, zero in the middle.
  const bars = foldBars
    .map((b, i) => {
      const x = i * 60 + 10;
      const h = (v: number) => (Math.abs(v) / maxAbs) * 80;
      const y = (v: number) => (v >= 0 ? 90 - h(v) : 90);
      return `<rect x="${x}" y="${y(b.is).toFixed(1)}" width="20" height="${h(b.is).toFixed(1)}" fill="#999"><title>fold ${b.f} in-sample ${b.is}</title></rect><rect x="${x + 22}" y="${y(b.oos).toFixed(1)}" width="20" height="${h(b.oos).toFixed(1)}" fill="#1565c0"><title>fold ${b.f} out-of-sample ${b.oos}</title></rect><text x="${x + 21}" y="195" font-size="11" text-anchor="middle">fold ${b.f}</text>`;
    })
    .join('');
  const foldsTable =
    r.folds.length === 0
      ? '<p>No walk-forward (<code>--walk-forward 0</code>): every run was chosen and scored on the same candles.</p>'
      : `<svg viewBox="0 0 ${Math.max(200, r.folds.length * 60 + 20)} 200" width="${Math.max(200, r.folds.length * 60 + 20)}" height="200" role="img" aria-label="in-sample against out-of-sample score per fold"><line x1="0" y1="90" x2="${r.folds.length * 60 + 20}" y2="90" stroke="#ccc"/>${bars}</svg>
<table><thead><tr><th>fold</th><th>trained on</th><th>tested on</th><th>chosen parameters</th><th>in-sample ${esc(r.objective)}</th><th>out-of-sample ${esc(r.objective)}</th></tr></thead><tbody>
${r.folds
  .map((f) => {
    const w = (i: number) => r.data.map((d) => `${iso(d.windows[i]?.from ?? 0)} → ${iso(d.windows[i]?.to ?? 0)}`).join('<br>');
    return `<tr><td>${f.fold}</td><td>window ${f.train}<br><small>${w(f.train)}</small></td><td>window ${f.test}<br><small>${w(f.test)}</small></td><td>#${f.bestRun}: ${params(f.params)}</td>${windowCell(f.inSample)}${windowCell(f.outOfSample)}</tr>`;
  })
  .join('\n')}
</tbody></table>`;
  const runRow = (run: OptimizeRun, rank: number) =>
    `<tr${run.id === r.best.runId ? ' class="best"' : ''}><td>${rank}</td><td>#${run.id}</td><td>${params(run.params)}</td><td class="num">${scoreText(run.inSample.score)}</td><td class="num">${run.outOfSample ? scoreText(run.outOfSample.score) : '–'}</td>${run.windows.map((w) => windowCell(w)).join('')}</tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>optimize ${esc(r.strategy)} (${esc(r.objective)})</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.warn{background:#fff3e0;border:2px solid #e65100;padding:1em;font-size:15px}.best{background:#e3f2fd}h1{font-size:20px}small{color:#666}
</style></head><body>
<h1>cab optimize: ${esc(r.strategy)}, objective ${esc(r.objective)}, ${esc(r.method)}${r.trials !== null ? ` (${r.trials} trials, seed ${r.seed})` : ''}, walk-forward ${r.walkForward}</h1>
<p>Data: ${r.data.map((d) => `${esc(d.symbol)} (${esc(d.source)}, ${d.candles} candles)`).join('; ')}. ${r.runs.length} parameter sets run, ${r.skipped.length} skipped as invalid; ${r.historyCandles} candles of warm-up before the first window.</p>
${warning}
<h2>Headline: ${r.headline.kind === 'out-of-sample' ? 'out-of-sample (each fold’s choice on the window after its training, chained)' : 'in-sample only'}</h2>
<p class="num" style="text-align:left;font-size:18px">${esc(r.objective)} <strong>${scoreText(head.score)}</strong>${oosHeadline ? ` <small>(in-sample of the same choices: ${scoreText(r.headline.inSample.score)})</small>` : ''}</p>
<table><thead><tr><th></th><th>symbol</th><th>period</th><th>${esc(r.objective)}</th><th>return</th><th>max drawdown</th></tr></thead><tbody>
${combinedRows('out-of-sample', oosHeadline)}
${combinedRows('in-sample', r.headline.inSample)}
</tbody></table>
<h2>Parameters to trade next</h2>
<p>Run #${r.best.runId}, the best on the most recent window (${r.best.chosenOnWindow}): <strong>${params(r.best.params)}</strong>. Expect the out-of-sample headline from them, not their in-sample ${esc(r.objective)} of ${scoreText(r.best.inSample.score)}.</p>
<h2>Walk-forward windows</h2>
${foldsTable}
<h2>Runs by in-sample ${esc(r.objective)}</h2>
<table><thead><tr><th>rank</th><th>run</th><th>parameters</th><th>in-sample</th><th>out-of-sample</th>${r.data[0]?.windows.map((w) => `<th>window ${w.index}</th>`).join('') ?? ''}</tr></thead><tbody>
${ranked
  .slice(0, MAX_ROWS)
  .map((run, i) => runRow(run, i + 1))
  .join('\n')}
</tbody></table>
${ranked.length > MAX_ROWS ? `<p>${ranked.length - MAX_ROWS} more runs in optimize.json.</p>` : ''}
${
  r.skipped.length > 0
    ? `<h2>Skipped parameter sets</h2><ul>${r.skipped
        .slice(0, MAX_ROWS)
        .map((s) => `<li>${params(s.params)}: ${esc(s.reason)}</li>`)
        .join('')}</ul>`
    : ''
}
<p><small>${r.timings.backtests} backtests in ${(r.timings.elapsedMs / 1000).toFixed(1)} s on ${r.timings.threads} threads. How to read this page: docs/optimize.md.</small></p>
</body></html>
`;
}
