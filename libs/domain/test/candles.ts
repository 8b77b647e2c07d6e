// Spec helper: real candles from ../test-data (see its README for provenance and licenses).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import type { Candle } from '../src/market/types';

export const TEST_DATA = path.join(__dirname, '..', 'test-data');
export const BYBIT_1M = 'btc_usdt-1m-bybit-2022-12-13.csv';
export const BINANCE_1H = 'btc_usdt-1h-binance-2021-11-2022-03.csv';

/** Parses `timestamp,open,high,low,close,volume` text (header first). */
export function parseCandles(text: string): Candle[] {
  const out: Candle[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const [ts, open, high, low, close, volume] = line.split(',').map(Number);
    out.push({ ts: ts!, open: open!, high: high!, low: low!, close: close!, volume: volume! });
  }
  return out;
}

/** A CSV file (plain or .gz) by absolute path, or by name inside test-data/. */
export function loadCandles(file: string): Candle[] {
  const p = path.isAbsolute(file) ? file : path.join(TEST_DATA, file);
  const raw = readFileSync(p);
  return parseCandles((p.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
}
