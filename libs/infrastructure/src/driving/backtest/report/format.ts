import { dec } from '@cab/domain';

/**
 * Numbers as people read them on the page: quote to cents, percentages to 2 places, thousands
 * grouped. Rounded from the decimal text with big.js (half up), never through a float: report.json
 * keeps the exact strings, the page only shows them rounded.
 */

const group = (fixed: string): string => {
  const neg = fixed.startsWith('-');
  const [int = '', frac] = (neg ? fixed.slice(1) : fixed).split('.');
  const g = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const out = frac === undefined ? g : `${g}.${frac}`;
  // −0.004 rounds to "-0.00": that is zero, shown without a sign.
  return neg && /[1-9]/.test(out) ? `−${out}` : out;
};

/** Quote to cents: "1,234.57", "−0.42"; "—" for null. */
export function money(v: string | null): string {
  return v === null ? '—' : group(dec(v).toFixed(2));
}

/** Quote to cents with its sign: "+12.30", "−0.42". */
export function signedMoney(v: string): string {
  const m = money(v);
  return dec(v).gt(dec('0')) && m !== '0.00' ? `+${m}` : m;
}

/** A percentage given in percent ("12.3456") to 2 places: "12.35 %". */
export function percent(v: string | null): string {
  return v === null ? '—' : `${group(dec(v).toFixed(2))} %`;
}

/** A fraction (0.1234) as a percentage to 2 places: "12.34 %". */
export function fractionPercent(v: string | number | null): string {
  return v === null ? '—' : percent(dec(String(v)).times(dec('100')).toFixed());
}

/** A price: to cents from 1 up ("64,012.50"), 6 significant digits below ("0.000123457"). */
export function price(v: string): string {
  const d = dec(v);
  return d.abs().gte(dec('1')) ? group(d.toFixed(2)) : d.toPrecision(6);
}

/** Holding time: "45m", "3h 05m", "2d 4h". */
export function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** "2024-08-01 12:30" (UTC). */
export function time(ts: number): string {
  return new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
}

/** A candle or bar length: "1m", "30m", "4h", "1d", "1w". */
export function timeframe(ms: number): string {
  if (ms % (7 * 86_400_000) === 0) return `${ms / (7 * 86_400_000)}w`;
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** Escapes text for HTML. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
