import { deferred, RecordingLogger, RecordingMetrics } from '@cab/application/testing';
import { systemClock } from '../time/system-time';
import { TimerScheduler } from './timer-scheduler';

/** Waits (really) until `cond` holds; the test fails on jest's timeout if it never does. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
}

describe('TimerScheduler (real timers)', () => {
  it('runs a task repeatedly until stopped', async () => {
    const s = new TimerScheduler({ clock: systemClock });
    let runs = 0;
    s.every('tick', 2, () => {
      runs += 1;
    });
    await until(() => runs >= 3);
    await s.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(after);
  });

  it('never overlaps runs of the same task, even when a run outlasts its interval', async () => {
    const metrics = new RecordingMetrics();
    const s = new TimerScheduler({ clock: systemClock, metrics });
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    s.every('slow', 1, async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 10)); // ten intervals long
      running -= 1;
      runs += 1;
    });
    await until(() => runs >= 3);
    await s.stop();
    expect(maxRunning).toBe(1);
    expect(metrics.count('cab_scheduler_overruns_total', { task: 'slow' })).toBeGreaterThanOrEqual(3);
  });

  it('stop waits for the run in flight and no run starts after it', async () => {
    const s = new TimerScheduler({ clock: systemClock });
    const gate = deferred();
    const started = deferred();
    const log: string[] = [];
    s.every('order', 1, async () => {
      log.push('run start');
      started.resolve();
      await gate.promise;
      log.push('run end');
    });
    await started.promise;
    const stopped = s.stop().then(() => log.push('stopped'));
    await new Promise((r) => setTimeout(r, 5));
    expect(log).toEqual(['run start']); // stop is still waiting
    gate.resolve();
    await stopped;
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['run start', 'run end', 'stopped']);
    expect(s.status()).toEqual([]);
  });

  it('a failing run is logged and counted; the task keeps its schedule', async () => {
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const s = new TimerScheduler({ clock: systemClock, logger, metrics });
    let runs = 0;
    s.every('flaky', 1, () => {
      runs += 1;
      if (runs === 1) throw new Error('exchange down');
    });
    await until(() => runs >= 3);
    await s.stop();
    expect(metrics.count('cab_scheduler_errors_total', { task: 'flaky' })).toBe(1);
    expect(logger.at('error')[0]).toMatchObject({
      msg: 'scheduled task failed',
      fields: { component: 'scheduler', task: 'flaky', error: 'exchange down' },
    });
  });

  it('keeps running when the metrics adapter and the logger throw', async () => {
    const throwing = () => {
      throw new Error('adapter broken');
    };
    const logger = new RecordingLogger();
    logger.error = throwing;
    logger.warn = throwing;
    logger.child = () => logger;
    const s = new TimerScheduler({ clock: systemClock, logger, metrics: { counter: throwing, gauge: throwing, histogram: throwing } });
    let runs = 0;
    s.every('exits', 1, () => {
      runs += 1;
      throw new Error('task failed too');
    });
    await until(() => runs >= 3);
    await s.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('stops one task by name and leaves the others running', async () => {
    const s = new TimerScheduler({ clock: systemClock });
    let a = 0;
    let b = 0;
    s.every('a', 1, () => void (a += 1));
    s.every('b', 1, () => void (b += 1));
    await until(() => a >= 1);
    await s.stop('a');
    const aAfter = a;
    const bBefore = b;
    await until(() => b >= bBefore + 3);
    expect(a).toBe(aAfter);
    expect(s.status().map((t) => t.name)).toEqual(['b']);
    await s.stop();
  });

  it('rejects a duplicate name and a bad interval', async () => {
    const s = new TimerScheduler({ clock: systemClock });
    s.every('a', 1_000, () => undefined);
    expect(() => s.every('a', 1_000, () => undefined)).toThrow(/already scheduled/);
    expect(() => s.every('b', 0, () => undefined)).toThrow(RangeError);
    await s.stop();
  });
});
