import { FakeClock, SequentialIds } from '@cab/domain/testing';
import { InMemoryDeadLetterSink } from '../testing';
import { InProcessEventBus } from './in-process-event-bus';
import { subscribeAll } from './subscribe-all';

describe('subscribeAll', () => {
  it('receives every topic (or the ones given) until unsubscribed', async () => {
    const bus = new InProcessEventBus({ clock: new FakeClock(), ids: new SequentialIds(), deadLetters: new InMemoryDeadLetterSink() });
    const all: string[] = [];
    const safety: string[] = [];
    const off = subscribeAll(bus, 'audit', (e, topic) => void all.push(`${topic}:${e.eventId}`));
    subscribeAll(bus, 'pager', (_e, topic) => void safety.push(topic), ['safety.halted', 'safety.dms_tripped']);
    bus.emit('safety.halted', { code: 'OPERATOR', reason: 'r' });
    bus.emit('watchdog.heartbeat', { loops: {} });
    await bus.drain();
    off();
    bus.emit('safety.resumed', { reason: 'r' });
    await bus.drain();
    expect(all).toEqual(['safety.halted:id-1', 'watchdog.heartbeat:id-2']);
    expect(safety).toEqual(['safety.halted']);
  });
});
