import { ok } from '@cab/domain';
import { FakeClock, SequentialIds } from '@cab/domain/testing';
import { InProcessEventBus } from '../events/in-process-event-bus';
import { noopLogger } from '../ports/logger';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import { CoreHalts } from '../core/core-halts';
import { CorePublisher } from '../core/core-publisher';
import type { EdgeFact } from '../core/edge-fact';
import type { Halt, HaltCode } from '../pipeline/trading-state';
import { InMemoryDeadLetterSink, RecordingMetrics } from '../testing';
import type { CountdownSwitch } from './countdown-switch';
import { Watchdog } from './watchdog';

/** The exchange's countdown as a table of trigger times: what Gate keeps, without HTTP. */
class CountdownTable implements CountdownSwitch {
  readonly armedUntil = new Map<string, number>();
  constructor(private readonly clock: FakeClock) {}
  async arm(symbol: string, timeoutMs: number) {
    this.armedUntil.set(symbol, this.clock.now() + timeoutMs);
    return ok(undefined);
  }
  async disarm(symbol: string) {
    this.armedUntil.delete(symbol);
    return ok(undefined);
  }
}

describe("Watchdog (dead man's switch)", () => {
  it('refreshes the countdown while loops are live; a stall stops refreshing, halts entries and alerts once; recovery clears it', async () => {
    const clock = new FakeClock();
    const bus = new InProcessEventBus({ clock, ids: new SequentialIds('e-'), deadLetters: new InMemoryDeadLetterSink() });
    const metrics = new RecordingMetrics();
    // The halts as the core runtime's edge halts set them (CoreRuntime.edgeHalt), over the core's CoreHalts.
    const halts = new CoreHalts();
    const trading = {
      state: () => halts.state(),
      has: (code: HaltCode) => halts.has(code),
      halt: async (code: HaltCode, reason: string, level: Halt['level'] = 'halted') => void halts.set(code, level, reason, clock.now()),
      clear: async (code: HaltCode) => halts.clear(code),
    };
    const countdown = new CountdownTable(clock);
    // Its facts carried out as the runtime's are: by a CorePublisher onto the bus and the metrics.
    const publisher = new CorePublisher({ audit: { recordAll: async () => undefined }, bus, metrics, logger: noopLogger, clock });
    const facts: EdgeFact[] = [];
    const publish = (f: EdgeFact) => {
      facts.push(f);
      publisher.publish(f);
    };
    const w = new Watchdog({ symbols: ['BTC/USDT', 'ETH/USDT'], clock, publish, countdown, dmsTimeoutMs: 10_000, trading });
    const trips: string[] = [];
    bus.subscribe('safety.dms_tripped', 'spec', (e) => void trips.push(e.detail));
    const start = clock.now();

    expect(await w.run([{ name: 'eval', lastAliveAt: start }], 'c')).toEqual({ stalled: [], refreshed: true });
    expect(countdown.armedUntil.get('ETH/USDT')).toBe(start + 10_000);

    clock.advance(10_001);
    const r = await w.run(
      [
        { name: 'eval', lastAliveAt: start },
        { name: 'exits', lastAliveAt: clock.now() },
      ],
      'c',
    );
    expect(r).toEqual({ stalled: ['eval'], refreshed: false });
    expect(countdown.armedUntil.get('BTC/USDT')).toBe(start + 10_000); // not refreshed: the exchange will cancel
    expect(trading.state()).toBe('halted');
    clock.advance(1_000);
    await w.run([{ name: 'eval', lastAliveAt: start }], 'c');
    await bus.drain();
    expect(trips).toHaveLength(1);
    expect(metrics.count(PIPELINE_METRICS.dmsTrips)).toBe(1);
    expect(facts.filter((f) => f.kind === 'stall').map((f) => f.kind === 'stall' && f.loop)).toEqual(['eval']);
    expect(metrics.gaugeValue(PIPELINE_METRICS.loopLagSeconds, { loop: 'eval' })).toBe(11.001);

    await w.run([{ name: 'eval', lastAliveAt: clock.now() }], 'c');
    expect(trading.state()).toBe('active');
    expect(metrics.count(PIPELINE_METRICS.dmsRefresh, { outcome: 'ok' })).toBe(4);
    expect(countdown.armedUntil.get('BTC/USDT')).toBe(clock.now() + 10_000);
    await w.disarm();
    expect(countdown.armedUntil.size).toBe(0);
  });
});
