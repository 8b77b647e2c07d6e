import type { Scheduler } from '@cab/application';

/** How a contract run drives one Scheduler implementation. */
export interface SchedulerHarness {
  /** A fresh scheduler, and how many task failures it has reported so far. */
  make(): { scheduler: Scheduler; failures(): number };
  /** Lets (virtual or real) time pass until `cond` holds. */
  until(s: Scheduler, cond: () => boolean): Promise<void>;
}

/**
 * The Scheduler contract (ports/scheduler.ts in @cab/application), run against TimerScheduler
 * (real timers) and VirtualScheduler (virtual time), so a backtest schedules like live does.
 * No assertion depends on how long anything takes.
 */
export function schedulerContract(name: string, h: SchedulerHarness): void {
  describe(`Scheduler contract: ${name}`, () => {
    it('does not run a task before its first interval', async () => {
      const { scheduler } = h.make();
      let runs = 0;
      scheduler.every('t', 60_000, () => void (runs += 1));
      await Promise.resolve();
      expect(runs).toBe(0);
      await scheduler.stop();
    });

    it('runs a task again and again', async () => {
      const { scheduler } = h.make();
      let runs = 0;
      scheduler.every('t', 5, () => void (runs += 1));
      await h.until(scheduler, () => runs >= 3);
      await scheduler.stop();
      expect(runs).toBeGreaterThanOrEqual(3);
    });

    it('never overlaps two runs of one task', async () => {
      const { scheduler } = h.make();
      let running = 0;
      let max = 0;
      let runs = 0;
      scheduler.every('slow', 1, async () => {
        running += 1;
        max = Math.max(max, running);
        await new Promise((r) => setTimeout(r, 3));
        running -= 1;
        runs += 1;
      });
      await h.until(scheduler, () => runs >= 3);
      await scheduler.stop();
      expect(max).toBe(1);
    });

    it('reports a failing run and keeps the task scheduled', async () => {
      const { scheduler, failures } = h.make();
      let runs = 0;
      scheduler.every('flaky', 5, () => {
        runs += 1;
        if (runs === 1) throw new Error('first run fails');
      });
      await h.until(scheduler, () => runs >= 3);
      await scheduler.stop();
      expect(failures()).toBe(1);
    });

    it('stops one task by name, the others keep running', async () => {
      const { scheduler } = h.make();
      let a = 0;
      let b = 0;
      scheduler.every('a', 5, () => void (a += 1));
      scheduler.every('b', 5, () => void (b += 1));
      await h.until(scheduler, () => a >= 1);
      await scheduler.stop('a');
      const aStopped = a;
      const bNow = b;
      await h.until(scheduler, () => b >= bNow + 2);
      expect(a).toBe(aStopped);
      await scheduler.stop();
    });

    it('a task may stop the whole scheduler (a halt) without waiting for itself', async () => {
      const { scheduler } = h.make();
      let runs = 0;
      let stopped = false;
      scheduler.every('halter', 5, async () => {
        runs += 1;
        await scheduler.stop();
        stopped = true;
      });
      await h.until(scheduler, () => stopped);
      expect(runs).toBe(1);
    });

    it('a duplicate name or an interval ≤ 0 is a bug', async () => {
      const { scheduler } = h.make();
      scheduler.every('a', 1_000, () => undefined);
      expect(() => scheduler.every('a', 1_000, () => undefined)).toThrow(/already scheduled/);
      expect(() => scheduler.every('b', 0, () => undefined)).toThrow(RangeError);
      expect(() => scheduler.every('c', Number.NaN, () => undefined)).toThrow(RangeError);
      await scheduler.stop();
    });
  });
}
