import { FakeClock, SequentialIds } from '@cab/domain/testing';
import { InProcessEventBus } from '../events/in-process-event-bus';
import { InMemoryDeadLetterSink, RecordingLogger, RecordingMetrics } from '../testing';
import { DeadLetterMonitor } from './dead-letter-monitor';

describe('DeadLetterMonitor (the DLQ subscriber)', () => {
  const setup = () => {
    const store = new InMemoryDeadLetterSink();
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const monitor = new DeadLetterMonitor(store, logger, metrics);
    const busLogger = new RecordingLogger();
    const bus = new InProcessEventBus({ clock: new FakeClock(), ids: new SequentialIds(), deadLetters: monitor, logger: busLogger });
    return { store, logger, metrics, monitor, bus, busLogger };
  };

  it('logs, counts and stores every dead letter', async () => {
    const { store, logger, metrics, monitor, bus } = setup();
    bus.subscribe('safety.halted', 'telegram', () => {
      throw new Error('ETIMEDOUT');
    });
    bus.subscribe('trade.blocked', 'journal', () => {
      throw new Error('SQLITE_BUSY');
    });
    bus.emit('safety.halted', { code: 'BROKER.FATAL', reason: 'invalid key' }, 'corr-1');
    bus.emit('safety.halted', { code: 'BROKER.FATAL', reason: 'invalid key' }, 'corr-2');
    bus.emit('trade.blocked', { symbol: 'BTC/USDT', side: 'buy', reasons: ['RISK.COOLDOWN'], limits: {} });
    await bus.drain();
    expect(store.entries).toHaveLength(3);
    expect(metrics.count('cab_dead_letters_total', { topic: 'safety.halted', subscriber: 'telegram' })).toBe(2);
    expect(monitor.counts()).toEqual({ total: 3, byTopic: { 'safety.halted': 2, 'trade.blocked': 1 } });
    expect(logger.at('warn')[0]).toEqual({
      level: 'warn',
      msg: 'event dead-lettered',
      fields: { topic: 'safety.halted', subscriber: 'telegram', eventId: 'id-1', correlationId: 'corr-1', error: 'ETIMEDOUT' },
    });
  });

  it('counts a failed store and lets the bus log the whole entry', async () => {
    const { store, metrics, bus, busLogger } = setup();
    store.failWith = new Error('disk I/O error');
    bus.subscribe('safety.resumed', 's', () => {
      throw new Error('x');
    });
    bus.emit('safety.resumed', { reason: 'operator' });
    await bus.drain();
    expect(metrics.count('cab_dead_letter_store_failures_total', { topic: 'safety.resumed' })).toBe(1);
    expect(busLogger.at('error')[0]?.fields).toMatchObject({ sinkError: 'disk I/O error', event: { reason: 'operator' } });
  });
});
