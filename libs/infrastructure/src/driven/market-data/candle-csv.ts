import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Candle } from '@cab/domain';

const HEADER = 'timestamp,open,high,low,close,volume';

/** A candle file that cannot be used, with the line that shows why. */
export class CandleFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'CandleFileError';
  }
}

/**
 * Epoch seconds of 2001-09-09 up to epoch ms of 1973-03-03: a first timestamp in this range is in
 * seconds (as many exchanges and tools write it). Read as milliseconds it would be a candle of
 * January 1970, and a backtest would report on 1970.
 */
const SECONDS_FROM = 1e9;
const MILLISECONDS_FROM = 1e11;

/**
 * Parses `timestamp,open,high,low,close,volume` text (timestamp = open time, epoch ms UTC, or
 * epoch seconds, recognised by their size and converted to ms).
 * Rows must be strictly ascending and sane (high ≥ open, close ≥ low > 0, volume ≥ 0): a replay
 * or a backtest on a broken file would trade on nonsense, so it is refused with its line number.
 */
export function parseCandleCsv(text: string, file = '<csv>'): Candle[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase();
  if (header !== HEADER) throw new CandleFileError(file, 1, `expected the header "${HEADER}", got ${JSON.stringify(lines[0] ?? '')}`);
  const rows: { line: number; values: number[]; text: string }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const row = lines[i]?.trim();
    if (!row) continue;
    const cells = row.split(',');
    if (cells.length !== 6) throw new CandleFileError(file, i + 1, `expected 6 values, got ${cells.length}`);
    rows.push({ line: i + 1, values: cells.map((c) => (c.trim() === '' ? NaN : Number(c))), text: row });
  }
  return checkedCandles(rows, file);
}

/**
 * freqtrade's JSON candle format (what `freqtrade download-data` writes): an array of
 * [timestamp ms, open, high, low, close, volume] arrays. Same checks as the CSV.
 */
export function parseFreqtradeJson(text: string, file = '<json>'): Candle[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CandleFileError(file, 1, 'not valid JSON');
  }
  if (!Array.isArray(data)) throw new CandleFileError(file, 1, 'expected an array of [timestamp, open, high, low, close, volume] rows');
  return checkedCandles(
    data.map((row, i) => {
      if (!Array.isArray(row) || row.length < 6) throw new CandleFileError(file, i + 1, `row ${i + 1}: expected 6 values`);
      return { line: i + 1, values: row.slice(0, 6).map((v) => (typeof v === 'number' ? v : NaN)), text: JSON.stringify(row) };
    }),
    file,
  );
}

/**
 * Rows must be strictly ascending and sane (high ≥ open, close ≥ low > 0, volume ≥ 0): a replay
 * or a backtest on a broken file would trade on nonsense, so it is refused with its line (or row).
 */
function checkedCandles(rows: readonly { line: number; values: number[]; text: string }[], file: string): Candle[] {
  const out: Candle[] = [];
  let prev = -Infinity;
  const first = rows[0]?.values[0] ?? NaN;
  const inSeconds = first >= SECONDS_FROM && first < MILLISECONDS_FROM;
  for (const { line, values, text } of rows) {
    const [raw, open, high, low, close, volume] = values as [number, number, number, number, number, number];
    if (![raw, open, high, low, close, volume].every(Number.isFinite)) throw new CandleFileError(file, line, `not a number in ${text}`);
    if (!Number.isSafeInteger(raw)) throw new CandleFileError(file, line, `timestamp must be integer epoch ms (or seconds), got ${raw}`);
    if (inSeconds && raw >= MILLISECONDS_FROM)
      throw new CandleFileError(file, line, `timestamps mix units: the file starts in epoch seconds (${first}), this row is in milliseconds (${raw})`);
    const ts = inSeconds ? raw * 1000 : raw;
    if (ts <= prev) throw new CandleFileError(file, line, `timestamps must be strictly ascending (${ts} after ${prev})`);
    if (!(low > 0) || high < Math.max(open, close) || low > Math.min(open, close) || volume < 0)
      throw new CandleFileError(file, line, `inconsistent candle ${text}`);
    out.push({ ts, open, high, low, close, volume });
    prev = ts;
  }
  if (out.length === 0) throw new CandleFileError(file, 1, 'no candles');
  return out;
}

/** Candles as CSV text in the layout parseCandleCsv reads. */
export function formatCandleCsv(candles: readonly Candle[]): string {
  return `${HEADER}\n${candles.map((c) => `${c.ts},${c.open},${c.high},${c.low},${c.close},${c.volume}`).join('\n')}\n`;
}

/** Reads a candle file: CSV, or freqtrade JSON (.json), either gzipped when the name ends in .gz. */
export function readCandleFile(file: string): Candle[] {
  return parseCandleBytes(fs.readFileSync(file), file);
}

/** A candle file's bytes, read as its name says (CSV or freqtrade .json, gzipped when .gz). */
export function parseCandleBytes(raw: Buffer, file: string): Candle[] {
  let text: string;
  try {
    text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  } catch {
    throw new CandleFileError(path.basename(file), 1, 'not a gzip file (the name ends in .gz)');
  }
  const plain = file.replace(/\.gz$/, '');
  return plain.endsWith('.json') ? parseFreqtradeJson(text, path.basename(file)) : parseCandleCsv(text, path.basename(file));
}

/** The most common gap between consecutive candles: the file's timeframe, robust to outages. */
export function inferTimeframeMs(candles: readonly Candle[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < Math.min(candles.length, 1000); i++) {
    const d = (candles[i] as Candle).ts - (candles[i - 1] as Candle).ts;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 60_000;
  let n = 0;
  for (const [d, c] of counts) if (c > n) [best, n] = [d, c];
  return best;
}

/**
 * The bundled sample (real BTC/USDT 1m candles, see assets/candles/README.md). Found next to the
 * sources in the repo, or next to a built app bundle, which copies assets/ beside main.cjs.
 */
export function bundledCandleFile(): string {
  const name = 'btc_usdt-1m-bybit-2022-12-13.csv';
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    for (const candidate of [path.join(dir, 'assets/candles', name), path.join(dir, 'libs/infrastructure/assets/candles', name)])
      if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`bundled candle file ${name} not found near ${__dirname}`);
}
