import type { Candle } from '@cab/domain';

const FIELDS = 6;

/**
 * Candles packed into one SharedArrayBuffer (ts, open, high, low, close, volume as float64): every
 * worker thread reads the same memory, so a year of one-minute candles is neither copied per worker
 * nor per task. Candle values are float64 in the domain already (they feed indicators).
 */
export function packCandles(candles: readonly Candle[]): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(candles.length * FIELDS * Float64Array.BYTES_PER_ELEMENT);
  const a = new Float64Array(buf);
  candles.forEach((c, i) => a.set([c.ts, c.open, c.high, c.low, c.close, c.volume], i * FIELDS));
  return buf;
}

export function unpackCandles(buf: SharedArrayBuffer): Candle[] {
  const a = new Float64Array(buf);
  const out: Candle[] = new Array(a.length / FIELDS);
  for (let i = 0, k = 0; k < a.length; i++, k += FIELDS)
    out[i] = {
      ts: a[k] as number,
      open: a[k + 1] as number,
      high: a[k + 2] as number,
      low: a[k + 3] as number,
      close: a[k + 4] as number,
      volume: a[k + 5] as number,
    };
  return out;
}
