import type { ReportSummary } from '@cab/application';

const pct = (fraction: string | null): string => (fraction === null ? 'n/a' : `${(Number(fraction) * 100).toFixed(2)} %`);

/** Rows of cells as an aligned console table, numbers right-aligned. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** `--strategy-list`: one row per strategy on the same candles (amounts in the quote currency, as the reports give them). */
export function renderComparisonTable(summaries: readonly ReportSummary[]): string {
  return table(
    ['strategy', 'trades', 'win rate', 'net PnL', 'return', 'max drawdown', 'profit factor', 'Sharpe', 'fees', 'exposure'],
    summaries.map((s) => [
      s.strategy,
      String(s.trades),
      pct(s.winRate),
      s.netPnl,
      `${s.returnPct} %`,
      `${s.maxDrawdown} (${s.maxDrawdownPct} %)`,
      s.profitFactor ?? 'n/a',
      s.sharpe === null ? 'n/a' : String(s.sharpe),
      s.fees,
      `${(s.exposure * 100).toFixed(2)} %`,
    ]),
  );
}

/** A portfolio backtest's symbols, one row each: their own round trips. */
export function renderSymbolTable(summaries: readonly ReportSummary[]): string {
  return table(
    ['symbol', 'candles', 'fills', 'trades', 'win rate', 'realized PnL', 'fees'],
    summaries.map((s) => [s.symbol, String(s.candles), String(s.fills), String(s.trades), pct(s.winRate), s.realizedPnl, s.fees]),
  );
}
