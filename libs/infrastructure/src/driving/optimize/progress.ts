export interface ProgressOptions {
  total: number;
  /** Where the line goes (stderr). */
  write: (s: string) => void;
  /** On a terminal the line is redrawn in place; otherwise plain lines, one per tenth of the work. */
  isTty: boolean;
  /** Milliseconds from any origin (performance.now): for the speed and the ETA. */
  now: () => number;
  unit?: string;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/** The progress line of a long run: done/total, speed and time left. `tick` after each task, `end` once. */
export function progressLine(o: ProgressOptions): { tick: (done: number) => void; end: () => void } {
  const started = o.now();
  const unit = o.unit ?? 'backtests';
  let lastTenth = -1;
  let drawn = false;
  const line = (done: number) => {
    const elapsed = o.now() - started;
    const speed = elapsed > 0 ? (done * 1000) / elapsed : 0;
    const eta = speed > 0 ? ((o.total - done) * 1000) / speed : NaN;
    return `${done}/${o.total} ${unit} (${Math.floor((done / Math.max(1, o.total)) * 100)} %), ${speed.toFixed(1)}/s, ETA ${Number.isFinite(eta) ? duration(eta) : '?'}`;
  };
  return {
    tick: (done) => {
      if (o.isTty) {
        o.write(`\r${line(done)}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor((done * 10) / Math.max(1, o.total));
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      o.write(`${line(done)}\n`);
    },
    end: () => {
      if (drawn) o.write('\n');
    },
  };
}
