import fc from 'fast-check';
import { deferred } from '../testing';
import { VirtualScheduler } from './virtual-scheduler';

const T0 = 1_700_000_000_000;

describe('VirtualScheduler', () => {
  it('runs periodic tasks at start + k·interval, by due time then registration order', async () => {
    const s = new VirtualScheduler({ startMs: T0 });
    const log: string[] = [];
    s.every('exits', 1_000, () => void log.push(`exits@${s.now() - T0}`));
    s.every('eval', 2_000, () => void log.push(`eval@${s.now() - T0}`));
    s.every('reconcile', 1_000, () => void log.push(`reconcile@${s.now() - T0}`));
    await s.advance(2_500);
    expect(log).toEqual(['exits@1000', 'reconcile@1000', 'exits@2000', 'eval@2000', 'reconcile@2000']);
    expect(s.now()).toBe(T0 + 2_500);
  });

  it('awaits each run before the next, so async tasks never overlap and the order is fixed', async () => {
    const s = new VirtualScheduler({ startMs: T0 });
    const log: string[] = [];
    s.every('a', 10, async () => {
      log.push('a start');
      await new Promise((r) => setImmediate(r));
      log.push('a end');
    });
    s.every('b', 10, () => void log.push('b'));
    await s.advance(20);
    expect(log).toEqual(['a start', 'a end', 'b', 'a start', 'a end', 'b']);
  });

  it('is the same run after run', async () => {
    const trace = async () => {
      const s = new VirtualScheduler({ startMs: T0 });
      const log: string[] = [];
      s.every('x', 7, () => void log.push(`x${s.now()}`));
      s.every('y', 3, () => void log.push(`y${s.now()}`));
      s.after(10, () => void log.push(`t${s.now()}`));
      await s.advance(50);
      return log;
    };
    expect(await trace()).toEqual(await trace());
  });

  it('fires one-shot timers once, and not after cancel', async () => {
    const s = new VirtualScheduler({ startMs: T0 });
    const fired: string[] = [];
    s.after(100, () => void fired.push('a'));
    const cancel = s.after(100, () => void fired.push('b'));
    cancel();
    await s.advance(99);
    expect(fired).toEqual([]);
    await s.advance(1);
    expect(fired).toEqual(['a']);
    await s.advance(1_000);
    expect(fired).toEqual(['a']);
    expect(s.nextDueAt()).toBeNull();
  });

  it('runs timers and tasks scheduled by a task when they fall due within the same advance', async () => {
    const s = new VirtualScheduler({ startMs: T0 });
    const log: number[] = [];
    s.every('t', 100, () => {
      s.after(10, () => void log.push(s.now() - T0));
    });
    await s.advance(250);
    expect(log).toEqual([110, 210]);
  });

  it('stops one task or all; a stopped name can be scheduled again', async () => {
    const s = new VirtualScheduler({ startMs: T0 });
    const log: string[] = [];
    s.every('a', 10, () => void log.push('a'));
    s.every('b', 10, () => void log.push('b'));
    await s.advance(10);
    await s.stop('a');
    await s.advance(10);
    expect(log).toEqual(['a', 'b', 'b']);
    expect(s.tasks()).toEqual(['b']);
    await s.stop();
    await s.advance(100);
    expect(log).toEqual(['a', 'b', 'b']);
    s.every('a', 5, () => void log.push('a again'));
    await s.advance(5);
    expect(log.at(-1)).toBe('a again');
  });

  it('rejects a duplicate name, a bad interval, and time going backwards', async () => {
    const s = new VirtualScheduler({ startMs: T0 });
    s.every('a', 10, () => undefined);
    expect(() => s.every('a', 10, () => undefined)).toThrow(/already scheduled/);
    expect(() => s.every('z', 0, () => undefined)).toThrow(RangeError);
    await expect(s.advanceTo(T0 - 1)).rejects.toThrow(/forward/);
  });

  it('without onError a failing task rejects advance; with it the task keeps its schedule', async () => {
    const strict = new VirtualScheduler({ startMs: T0 });
    strict.every('bad', 10, () => {
      throw new Error('boom');
    });
    await expect(strict.advance(10)).rejects.toThrow('boom');

    const errors: string[] = [];
    const lenient = new VirtualScheduler({ startMs: T0, onError: (name, err) => errors.push(`${name}: ${(err as Error).message}`) });
    let runs = 0;
    lenient.every('flaky', 10, async () => {
      runs += 1;
      if (runs === 1) throw new Error('first run fails');
    });
    await lenient.advance(30);
    expect(runs).toBe(3);
    expect(errors).toEqual(['flaky: first run fails']);
  });

  it('refuses to advance from inside a task', async () => {
    const s = new VirtualScheduler({ startMs: T0 });
    const result = deferred<string>();
    s.every('nested', 10, async () => {
      await s.advance(1).then(
        () => result.resolve('advanced'),
        (e: Error) => result.resolve(e.message),
      );
    });
    await s.advance(10);
    expect(await result.promise).toMatch(/already moving/);
  });
});

describe('VirtualScheduler properties', () => {
  it('a task runs floor(T / interval) times however the time T is split into advances', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 20 }),
        async (interval, steps) => {
          const s = new VirtualScheduler({ startMs: T0 });
          const at: number[] = [];
          s.every('t', interval, () => void at.push(s.now()));
          for (const step of steps) await s.advance(step);
          const total = steps.reduce((a, b) => a + b, 0);
          expect(at).toEqual(Array.from({ length: Math.floor(total / interval) }, (_, k) => T0 + (k + 1) * interval));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('runs everything in order of due time, then registration, with tasks, timers and stops mixed', async () => {
    const task = fc.record({
      kind: fc.constant('every' as const),
      interval: fc.integer({ min: 1, max: 60 }),
      stopAt: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    });
    const timer = fc.record({ kind: fc.constant('after' as const), delay: fc.integer({ min: 0, max: 300 }), cancelled: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(task, timer), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 300 }), async (specs, horizon) => {
        const s = new VirtualScheduler({ startMs: T0 });
        const log: string[] = [];
        // The model: every firing (time, registration, name) up to the horizon, sorted.
        const expected: [number, number, string][] = [];
        specs.forEach((spec, i) => {
          const name = `x${i}`;
          if (spec.kind === 'every') {
            s.every(name, spec.interval, () => {
              log.push(`${name}@${s.now() - T0}`);
              if (spec.stopAt !== undefined && s.now() - T0 >= spec.stopAt) void s.stop(name);
            });
            for (let t = spec.interval; t <= horizon; t += spec.interval) {
              expected.push([t, i, `${name}@${t}`]);
              if (spec.stopAt !== undefined && t >= spec.stopAt) break;
            }
          } else {
            const cancel = s.after(spec.delay, () => void log.push(`${name}@${s.now() - T0}`));
            if (spec.cancelled) cancel();
            else if (spec.delay <= horizon) expected.push([spec.delay, i, `${name}@${spec.delay}`]);
          }
        });
        await s.advance(horizon);
        expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(log).toEqual(expected.map((e) => e[2]));
        // A task stops itself at its first run at or after stopAt, if that run is within the horizon.
        const stopped = (interval: number, stopAt: number | undefined) =>
          stopAt !== undefined && Math.max(interval, Math.ceil(stopAt / interval) * interval) <= horizon;
        expect(s.tasks()).toEqual(specs.flatMap((spec, i) => (spec.kind === 'every' && !stopped(spec.interval, spec.stopAt) ? [`x${i}`] : [])));
      }),
      { numRuns: 300 },
    );
  });
});
