import { readFileSync } from 'node:fs';

/** One 1-minute candle from the CSV, prices kept as the file's decimal text (never a float). */
export interface CsvCandle {
  ts: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** Reads `timestamp,open,high,low,close,volume` (the shared/data layout). */
export function readCandleCsv(path: string): CsvCandle[] {
  return parseCandleCsv(readFileSync(path, 'utf8'));
}

export function parseCandleCsv(text: string): CsvCandle[] {
  const out: CsvCandle[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('timestamp')) continue;
    const [ts, open, high, low, close, volume] = t.split(',');
    if (!ts || !open || !high || !low || !close || volume === undefined) throw new Error(`bad candle row: ${t}`);
    out.push({ ts: Number(ts), open, high, low, close, volume });
  }
  if (out.length === 0) throw new Error('candle file holds no rows');
  return out;
}

/** Gate's interval names in seconds. */
export const INTERVALS: Record<string, number> = {
  '10s': 10,
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '4h': 14400,
  '8h': 28800,
  '1d': 86400,
  '7d': 604800,
  '30d': 2592000,
};
