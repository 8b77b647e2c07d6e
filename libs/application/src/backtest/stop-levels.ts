import type { Decimal } from '@cab/domain';

/** The protective exit levels from a time on (decimal text; null = none: flat, the stop off, the trail not armed yet). */
export interface StopLevel {
  ts: number;
  /** Hard stop (entry − EXIT_STOP_PCT). */
  stop: string | null;
  /** Trailing stop, once armed (peak − EXIT_TRAIL_PCT; only moves up). */
  trail: string | null;
}

/**
 * Records where the stops of a backtest's position stood, as changes only: a point when a
 * position opens, when its trail arms or moves up, and a point of nulls when it closes (the
 * chart's stop lines break there). A driver offers the levels whenever the position may have
 * changed; an unchanged offer costs two string comparisons and keeps nothing.
 */
export class StopLevelRecorder {
  private readonly points: StopLevel[] = [];
  private stop: string | null = null;
  private trail: string | null = null;

  record(ts: number, stop: Decimal | null, trail: Decimal | null): void {
    const s = stop === null ? null : stop.toFixed();
    const t = trail === null ? null : trail.toFixed();
    if (s === this.stop && t === this.trail) return;
    this.stop = s;
    this.trail = t;
    this.points.push({ ts, stop: s, trail: t });
  }

  levels(): StopLevel[] {
    return [...this.points];
  }
}
