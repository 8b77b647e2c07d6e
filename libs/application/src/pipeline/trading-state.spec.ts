import { FakeClock, SequentialIds } from '@cab/domain/testing';
import { InProcessEventBus } from '../events/in-process-event-bus';
import type { AnyEvent } from '../events/topics';
import { noopLogger } from '../ports/logger';
import { InMemoryDeadLetterSink, InMemoryStorage, RecordingMetrics } from '../testing';
import { TradingStateController } from './trading-state';

describe('TradingStateController', () => {
  const make = () => {
    const clock = new FakeClock();
    const bus = new InProcessEventBus({ clock, ids: new SequentialIds('e-'), deadLetters: new InMemoryDeadLetterSink() });
    const storage = new InMemoryStorage(clock);
    const metrics = new RecordingMetrics();
    const seen: { topic: string; e: AnyEvent }[] = [];
    bus.subscribe('safety.halted', 'spec', (e) => void seen.push({ topic: 'halted', e }));
    bus.subscribe('safety.resumed', 'spec', (e) => void seen.push({ topic: 'resumed', e }));
    const t = new TradingStateController({ bus, audit: storage.audit, clock, logger: noopLogger, metrics });
    return { t, bus, storage, metrics, seen };
  };

  it('holds each cause apart: clearing one keeps the others; halted beats reducing', async () => {
    const { t, bus, storage, metrics, seen } = make();
    expect(t.state()).toBe('active');
    await t.halt('RISK.DAILY_LOSS', 'lost 60', 'reducing');
    expect(t.state()).toBe('reducing');
    await t.halt('RECONCILE.MISMATCH', 'position short');
    await t.halt('RECONCILE.MISMATCH', 'position short again'); // no second alert
    expect(t.state()).toBe('halted');
    expect(await t.clear('RECONCILE.MISMATCH', 'clean pass')).toBe(true);
    expect(await t.clear('RECONCILE.MISMATCH', 'clean pass')).toBe(false);
    expect(t.state()).toBe('reducing');
    expect(t.reasons()).toEqual(['RISK.DAILY_LOSS: lost 60']);
    await t.resume('operator');
    expect(t.state()).toBe('active');
    await bus.drain();
    expect(seen.map((s) => s.topic)).toEqual(['halted', 'halted', 'resumed', 'resumed']);
    expect(metrics.count('cab_halts_total', { code: 'RECONCILE.MISMATCH' })).toBe(1);
    expect(metrics.gaugeValue('cab_trading_state')).toBe(0);
    const audit = await storage.audit.find({ kind: 'safety' });
    expect(audit.map((a) => a.summary)).toContain('halt RECONCILE.MISMATCH: position short');
  });
});
