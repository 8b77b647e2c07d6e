/**
 * One frame of `cab backtest`'s progress bar: the bar, the share done, candles done of total, the
 * speed so far and the time left at that speed ("ETA"). Pure: the command measures the time.
 */
export function progressLine(done: number, total: number, elapsedMs: number, width = 30): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  const speed = elapsedMs > 0 && done > 0 ? (done * 1000) / elapsedMs : null;
  const left = done >= total ? 0 : speed === null ? null : ((total - done) / speed) * 1000;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)} % ${n(done)}/${n(total)} candles · ${speed === null ? '—' : n(speed)} candles/s · ETA ${left === null ? '—' : clock(left)}`;
}

/** 0:07, 4:05, 1:02:03 */
function clock(ms: number): string {
  const t = Math.ceil(ms / 1000);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
