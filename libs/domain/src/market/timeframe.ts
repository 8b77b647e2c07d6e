import { MS } from '../time/clock';

const UNIT: Record<string, number> = { s: MS.second, m: MS.minute, h: MS.hour, d: MS.day };

/** "1m", "5m", "1h", "4h", "1d" … → milliseconds; null for anything else. */
export function timeframeMs(tf: string): number | null {
  const m = /^([1-9]\d{0,3})([smhd])$/.exec(tf);
  return m ? Number(m[1]) * UNIT[m[2]!]! : null;
}
