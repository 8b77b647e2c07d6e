import { MS, utcDayStart } from '@cab/domain';

/**
 * UTC calendar arithmetic on epoch ms for the report's day, week and month breakdowns. Pure
 * integer maths (Howard Hinnant's days-from-civil), because the application layer does not read or
 * construct wall-clock dates (README.md, layer rules).
 */

/** Year, month (1–12) and day of the UTC date holding `ts`. */
export function utcDate(ts: number): { y: number; m: number; d: number } {
  const z = Math.floor(ts / MS.day) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** Epoch ms of 00:00 UTC on y-m-d (m 1–12). */
export function utcMidnight(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146_097 + doe - 719_468) * MS.day;
}

/** Start of the UTC week (Monday 00:00) holding `ts`. 1970-01-01 was a Thursday. */
export function utcWeekStart(ts: number): number {
  const day = utcDayStart(ts);
  const weekday = (((Math.floor(day / MS.day) + 3) % 7) + 7) % 7; // 0 = Monday
  return day - weekday * MS.day;
}

/** Start of the UTC month holding `ts`. */
export function utcMonthStart(ts: number): number {
  const { y, m } = utcDate(ts);
  return utcMidnight(y, m, 1);
}

const two = (n: number) => String(n).padStart(2, '0');

/** 2024-08-01 */
export function isoDay(ts: number): string {
  const { y, m, d } = utcDate(ts);
  return `${y}-${two(m)}-${two(d)}`;
}

/** 2024-08 */
export function isoMonth(ts: number): string {
  const { y, m } = utcDate(ts);
  return `${y}-${two(m)}`;
}
