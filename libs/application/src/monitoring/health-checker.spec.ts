import { VirtualScheduler } from '../scheduling/virtual-scheduler';
import { deferred } from '../testing';
import { aggregate, HealthChecker, type ComponentCheck, type ComponentHealth } from './health-checker';

const T0 = 1_700_000_000_000;
const check = (name: string, critical: boolean, run: ComponentCheck['check'], timeoutMs?: number): ComponentCheck => ({
  name,
  critical,
  check: run,
  ...(timeoutMs ? { timeoutMs } : {}),
});
const ok = async () => ({ status: 'ok' as const });

describe('HealthChecker', () => {
  const setup = (checks: ComponentCheck[]) => {
    const time = new VirtualScheduler({ startMs: T0 });
    return { time, hc: new HealthChecker({ clock: time, timers: time, defaultTimeoutMs: 1_000 }, checks) };
  };

  it('is ok and ready when every component is ok', async () => {
    const { hc } = setup([check('db', true, ok), check('telegram', false, async () => ({ status: 'ok', detail: 'quiet' }))]);
    const r = await hc.health();
    expect(r).toEqual({
      status: 'ok',
      ready: true,
      checkedAt: T0,
      components: [
        { name: 'db', critical: true, status: 'ok', detail: null, durationMs: 0 },
        { name: 'telegram', critical: false, status: 'ok', detail: 'quiet', durationMs: 0 },
      ],
    });
  });

  it('a non-critical component down makes health degraded but keeps ready', async () => {
    const { hc } = setup([check('db', true, ok), check('telegram', false, async () => ({ status: 'down', detail: '401' }))]);
    expect(await hc.health()).toMatchObject({ status: 'degraded', ready: true });
  });

  it('a critical component degraded makes it not ready; down makes health down', async () => {
    const degraded = setup([check('market-data', true, async () => ({ status: 'degraded', detail: 'ticker 40 s old' }))]);
    expect(await degraded.hc.health()).toMatchObject({ status: 'degraded', ready: false });
    const down = setup([check('broker', true, async () => ({ status: 'down' })), check('db', true, ok)]);
    expect(await down.hc.health()).toMatchObject({ status: 'down', ready: false });
  });

  it('a check that throws or returns nonsense is down with the reason', async () => {
    const { hc } = setup([
      check('db', true, async () => {
        throw new Error('SQLITE_BUSY');
      }),
      check('weird', false, async () => ({ status: 'great' }) as never),
    ]);
    const r = await hc.health();
    expect(r.components.map((c) => [c.name, c.status, c.detail])).toEqual([
      ['db', 'down', 'check failed: SQLITE_BUSY'],
      ['weird', 'down', 'invalid check result: {"status":"great"}'],
    ]);
  });

  it('a hung check is down after its timeout, measured on the injected clock; the others still report', async () => {
    const hang = deferred<never>();
    const { hc, time } = setup([check('broker', true, () => hang.promise, 3_000), check('db', true, ok), check('loops', false, () => hang.promise)]);
    const pending = hc.health();
    await new Promise((r) => setImmediate(r)); // the quick checks answer before time moves
    await time.advance(1_000); // default timeout: 'loops' gives up
    await time.advance(2_000); // broker's own timeout
    const r = await pending;
    expect(r.components).toEqual([
      { name: 'broker', critical: true, status: 'down', detail: 'timed out after 3000 ms', durationMs: 3_000 },
      { name: 'db', critical: true, status: 'ok', detail: null, durationMs: 0 },
      { name: 'loops', critical: false, status: 'down', detail: 'timed out after 1000 ms', durationMs: 1_000 },
    ]);
    expect(r).toMatchObject({ status: 'down', ready: false });
    expect(time.nextDueAt()).toBeNull(); // no timer left behind
  });

  it('readiness runs only the critical checks', async () => {
    let telegramCalls = 0;
    const { hc } = setup([
      check('db', true, ok),
      check('telegram', false, async () => {
        telegramCalls += 1;
        return { status: 'down' };
      }),
    ]);
    const r = await hc.readiness();
    expect(r.components.map((c) => c.name)).toEqual(['db']);
    expect(r.ready).toBe(true);
    expect(telegramCalls).toBe(0);
  });

  it('concurrent calls share the run in flight', async () => {
    let calls = 0;
    const gate = deferred<{ status: 'ok' }>();
    const { hc } = setup([
      check('db', true, () => {
        calls += 1;
        return gate.promise;
      }),
    ]);
    const a = hc.health();
    const b = hc.health();
    gate.resolve({ status: 'ok' });
    expect(await a).toBe(await b);
    expect(calls).toBe(1);
    await hc.health();
    expect(calls).toBe(2);
  });

  it('rejects duplicate names and bad timeouts', () => {
    const { hc } = setup([check('db', true, ok)]);
    expect(() => hc.register(check('db', false, ok))).toThrow(/already registered/);
    expect(() => hc.register(check('x', false, ok, -1))).toThrow(RangeError);
  });
});

describe('aggregate', () => {
  const c = (critical: boolean, status: ComponentHealth['status']): ComponentHealth => ({
    name: `${critical}-${status}`,
    critical,
    status,
    detail: null,
    durationMs: 0,
  });
  it.each([
    [[], 'ok', true],
    [[c(true, 'ok'), c(false, 'ok')], 'ok', true],
    [[c(true, 'ok'), c(false, 'degraded')], 'degraded', true],
    [[c(true, 'ok'), c(false, 'down')], 'degraded', true],
    [[c(true, 'degraded'), c(false, 'ok')], 'degraded', false],
    [[c(true, 'down'), c(false, 'ok')], 'down', false],
    [[c(true, 'down'), c(true, 'degraded')], 'down', false],
  ] as const)('%j → %s, ready %s', (components, status, ready) => {
    expect(aggregate([...components], 1)).toMatchObject({ status, ready });
  });
});
