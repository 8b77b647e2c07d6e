import { FakeClock, SequentialIds } from '@cab/domain/testing';
import { InMemoryDeadLetterSink, RecordingLogger, RecordingMetrics, deferred } from '../testing';
import { InProcessEventBus } from './in-process-event-bus';
import { TOPIC_NAMES, type PayloadOf, type TradeBlocked } from './topics';

const blocked: PayloadOf<'trade.blocked'> = {
  symbol: 'BTC/USDT',
  side: 'buy',
  reasons: ['RISK.COOLDOWN', 'RISK.MAX_SPREAD'],
  limits: { maxSpreadPct: '0.25' },
};

function setup(maxQueuePerSubscriber?: number) {
  const clock = new FakeClock(1_700_000_000_000);
  const dlq = new InMemoryDeadLetterSink();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const bus = new InProcessEventBus({
    clock,
    ids: new SequentialIds('ev-'),
    deadLetters: dlq,
    logger,
    metrics,
    ...(maxQueuePerSubscriber ? { maxQueuePerSubscriber } : {}),
  });
  return { clock, dlq, logger, metrics, bus };
}

describe('InProcessEventBus', () => {
  it('stamps emitted events with an id, the clock time and a correlation id', async () => {
    const { bus, clock } = setup();
    const seen: TradeBlocked[] = [];
    bus.subscribe('trade.blocked', 'journal', (e) => {
      seen.push(e);
    });
    const e1 = bus.emit('trade.blocked', blocked, 'eval-7');
    clock.advance(1000);
    const e2 = bus.emit('trade.blocked', blocked);
    await bus.drain();
    expect(e1).toMatchObject({ eventId: 'ev-1', ts: 1_700_000_000_000, correlationId: 'eval-7', reasons: blocked.reasons });
    expect(e2).toMatchObject({ eventId: 'ev-2', ts: 1_700_000_001_000, correlationId: 'ev-2' });
    expect(seen).toEqual([e1, e2]);
  });

  it('delivers only to subscribers of the topic, after publish has returned', async () => {
    const { bus } = setup();
    const calls: string[] = [];
    bus.subscribe('trade.blocked', 'a', () => void calls.push('blocked'));
    bus.subscribe('trade.failed', 'b', () => void calls.push('failed'));
    bus.emit('trade.blocked', blocked);
    calls.push('publish returned');
    await bus.drain();
    expect(calls).toEqual(['publish returned', 'blocked']);
  });

  it('never throws into the publisher: a throwing subscriber sends the event to the DLQ, the others still get it', async () => {
    const { bus, dlq, metrics, clock } = setup();
    const got: string[] = [];
    bus.subscribe('trade.blocked', 'telegram', () => {
      throw new Error('chat not found');
    });
    bus.subscribe('trade.blocked', 'journal', (e) => void got.push(e.eventId));
    clock.advance(5);
    const e = bus.emit('trade.blocked', blocked, 'c-1');
    await bus.drain();
    expect(got).toEqual([e.eventId]);
    expect(dlq.entries).toEqual([{ topic: 'trade.blocked', subscriber: 'telegram', event: e, error: 'chat not found', failedAt: clock.now() }]);
    expect(metrics.count('cab_events_failed_total', { topic: 'trade.blocked', subscriber: 'telegram' })).toBe(1);
    expect(bus.stats()).toMatchObject({ published: 1, delivered: 1, failed: 1 });
  });

  it('dead-letters a rejected promise and a non-Error throw with their text', async () => {
    const { bus, dlq } = setup();
    bus.subscribe('safety.halted', 'async', async () => {
      await Promise.resolve();
      throw new TypeError('bad payload');
    });
    bus.subscribe('safety.halted', 'string', () => {
      throw 'plain string';
    });
    bus.emit('safety.halted', { code: 'OPERATOR', reason: 'maintenance' });
    await bus.drain();
    expect(dlq.entries.map((d) => [d.subscriber, d.error]).sort()).toEqual([
      ['async', 'TypeError: bad payload'],
      ['string', 'plain string'],
    ]);
  });

  it('a slow subscriber blocks neither the publisher nor the other subscribers', async () => {
    const { bus } = setup();
    const gate = deferred();
    const slow: string[] = [];
    const fast: string[] = [];
    bus.subscribe('trade.completed', 'slow', async (e) => {
      await gate.promise;
      slow.push(e.eventId);
    });
    bus.subscribe('trade.completed', 'fast', (e) => void fast.push(e.eventId));
    const payload: PayloadOf<'trade.completed'> = {
      symbol: 'BTC/USDT',
      side: 'buy',
      reason: 'signal',
      clientOrderId: 'cid-1',
      orderId: 'o-1',
      filledBase: '0.0012',
      filledQuote: '78.00012',
      averagePrice: '65000.1',
      fee: '0.0000024',
      feeCurrency: 'BTC',
    };
    for (let i = 0; i < 3; i++) bus.emit('trade.completed', payload);
    // Let every microtask and I/O callback run: the fast subscriber is done, the slow one is still waiting.
    await new Promise((r) => setImmediate(r));
    expect(fast).toEqual(['ev-1', 'ev-2', 'ev-3']);
    expect(slow).toEqual([]);
    expect(bus.stats().queued).toBe(2);
    gate.resolve();
    await bus.drain();
    expect(slow).toEqual(['ev-1', 'ev-2', 'ev-3']);
  });

  it('dead-letters events beyond a stuck subscriber’s queue limit instead of growing memory', async () => {
    const { bus, dlq } = setup(2);
    const gate = deferred();
    bus.subscribe('watchdog.heartbeat', 'stuck', () => gate.promise);
    const handled: string[] = [];
    bus.subscribe('watchdog.heartbeat', 'counter', (e) => void handled.push(e.eventId));
    for (let i = 0; i < 5; i++) {
      bus.emit('watchdog.heartbeat', { loops: { eval: i } });
      await new Promise((r) => setImmediate(r)); // the healthy subscriber keeps up
    }
    gate.resolve();
    await bus.drain();
    expect(dlq.entries.map((d) => [d.subscriber, d.event.eventId])).toEqual([
      ['stuck', 'ev-4'],
      ['stuck', 'ev-5'],
    ]);
    expect(dlq.entries[0]?.error).toBe('queue overflow: 2 events waiting');
    expect(handled).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5']); // its queue is its own
    expect(bus.stats()).toMatchObject({ overflowed: 2, delivered: 8, queued: 0 });
  });

  it('keeps each subscriber’s order even when handlers take different times', async () => {
    const { bus } = setup();
    const order: number[] = [];
    const gates = [deferred(), deferred(), deferred()];
    bus.subscribe('watchdog.heartbeat', 'w', async (e) => {
      const i = e.loops['i'] as number;
      await gates[i]?.promise;
      order.push(i);
    });
    for (let i = 0; i < 3; i++) bus.emit('watchdog.heartbeat', { loops: { i } });
    gates[2]?.resolve();
    gates[1]?.resolve();
    gates[0]?.resolve();
    await bus.drain();
    expect(order).toEqual([0, 1, 2]);
  });

  it('freezes events: a subscriber that edits one fails (DLQ), the next subscriber sees the original', async () => {
    const { bus, dlq } = setup();
    const seen: string[][] = [];
    bus.subscribe('trade.blocked', 'vandal', (e) => {
      (e.reasons as string[]).push('EDITED');
    });
    bus.subscribe('trade.blocked', 'reader', (e) => void seen.push([...e.reasons]));
    bus.emit('trade.blocked', { ...blocked, reasons: [...blocked.reasons] });
    await bus.drain();
    expect(seen).toEqual([['RISK.COOLDOWN', 'RISK.MAX_SPREAD']]);
    expect(dlq.entries.map((d) => d.subscriber)).toEqual(['vandal']);
  });

  it('logs and counts a DLQ write that fails, and still never throws', async () => {
    const { bus, dlq, logger, metrics } = setup();
    dlq.failWith = new Error('SQLITE_FULL');
    bus.subscribe('trade.failed', 'bad', () => {
      throw new Error('boom');
    });
    expect(() =>
      bus.emit('trade.failed', {
        symbol: 'BTC/USDT',
        side: 'sell',
        clientOrderId: null,
        kind: 'rejected',
        code: 'BROKER.REJECTED',
        message: 'min notional',
      }),
    ).not.toThrow();
    await bus.drain();
    expect(metrics.count('cab_dead_letter_write_failures_total', { topic: 'trade.failed' })).toBe(1);
    const [entry] = logger.at('error');
    expect(entry?.msg).toBe('dead letter not stored');
    expect(entry?.fields).toMatchObject({ subscriber: 'bad', error: 'boom', sinkError: 'SQLITE_FULL' });
  });

  it('a metrics adapter or a logger that throws never reaches the publisher', async () => {
    const broken = {
      counter: () => {
        throw new Error('label mismatch');
      },
      gauge: () => undefined,
      histogram: () => undefined,
    };
    const throwingLogger = new RecordingLogger();
    throwingLogger.error = () => {
      throw new Error('log stream closed');
    };
    const dlq = new InMemoryDeadLetterSink();
    dlq.failWith = new Error('SQLITE_FULL');
    const bus = new InProcessEventBus({ clock: new FakeClock(), ids: new SequentialIds(), deadLetters: dlq, metrics: broken, logger: throwingLogger });
    const got: string[] = [];
    bus.subscribe('trade.blocked', 'ok', (e) => void got.push(e.eventId));
    bus.subscribe('trade.blocked', 'bad', () => {
      throw new Error('boom');
    });
    expect(() => bus.emit('trade.blocked', blocked)).not.toThrow();
    await expect(bus.drain()).resolves.toBeUndefined();
    expect(got).toEqual(['id-1']);
    expect(throwingLogger.at('warn').map((e) => e.fields['error'])).toContain('label mismatch');
  });

  it('unsubscribe stops delivery; a duplicate subscriber name on a topic is a bug', async () => {
    const { bus } = setup();
    const got: string[] = [];
    const off = bus.subscribe('safety.resumed', 's', (e) => void got.push(e.eventId));
    expect(() => bus.subscribe('safety.resumed', 's', () => undefined)).toThrow(/already subscribed/);
    bus.emit('safety.resumed', { reason: 'operator' });
    await bus.drain();
    off();
    bus.emit('safety.resumed', { reason: 'operator' });
    await bus.drain();
    expect(got).toEqual(['ev-1']);
  });

  it('lists every topic once', () => {
    expect(new Set(TOPIC_NAMES).size).toBe(TOPIC_NAMES.length);
    expect(TOPIC_NAMES).toHaveLength(17);
  });
});
