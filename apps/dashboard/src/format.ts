// Formatting for display only. Amounts arrive as decimal strings and are shown as strings: they are
// trimmed as text, never parsed into a JS number (docs/core.md: money is decimal).

/** "0.00123400" → "0.001234"; "12.50" → "12.5"; "-0.0" → "0"; anything not a decimal is returned as is. */
export function trimDecimal(s: string | null | undefined): string {
  if (s === null || s === undefined) return '—';
  if (!/^-?\d+(\.\d+)?$/.test(s)) return s;
  let out = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  if (/^-0$/.test(out)) out = '0';
  return out;
}

/** A decimal string cut to `dp` places without rounding through a float (display of prices and PnL). */
export function cutDecimal(s: string | null | undefined, dp: number): string {
  if (s === null || s === undefined) return '—';
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return s;
  const frac = (m[2] ?? '').slice(0, dp);
  return trimDecimal(frac ? `${m[1]}.${frac}` : m[1]!);
}

/** "0.625" (a fraction) → "62.5 %", by moving the decimal point in the text. */
export function fractionAsPercent(s: string | null | undefined): string {
  if (s === null || s === undefined) return '—';
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return s;
  const digits = `${m[1]}${(m[2] ?? '').padEnd(2, '0')}`;
  const int = digits.slice(0, m[1]!.length + 2).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(m[1]!.length + 2);
  return `${trimDecimal(rest ? `${int}.${rest.slice(0, 2)}` : int)} %`;
}

/** The sign of a decimal string, for colouring: -1, 0 or 1. */
export function signOf(s: string | null | undefined): -1 | 0 | 1 {
  if (!s || !/^-?\d+(\.\d+)?$/.test(s)) return 0;
  if (/^-?0+(\.0+)?$/.test(s)) return 0;
  return s.startsWith('-') ? -1 : 1;
}

/** Epoch ms → "2026-12-07 04:31:05" in UTC (the bot's days are UTC days). */
export function utc(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** A duration in ms as "3 s", "2 min", "1 h 5 min". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
