import { FakeClock, SequentialIds } from '@cab/domain/testing';
import type { DeadLetter } from '../ports/dead-letter-queue';
import { DeadLetterQueueSink } from './dead-letter-queue-sink';
import { InProcessEventBus } from './in-process-event-bus';

describe('DeadLetterQueueSink', () => {
  it('stores a failed delivery as a row with the event as JSON, money as strings', async () => {
    const rows: DeadLetter[] = [];
    const clock = new FakeClock(1_700_000_000_000);
    const bus = new InProcessEventBus({
      clock,
      ids: new SequentialIds('ev-'),
      deadLetters: new DeadLetterQueueSink({ push: async (r) => rows.push(r) }),
    });
    bus.subscribe('trade.completed', 'journal', () => {
      throw new Error('SQLITE_BUSY');
    });
    const e = bus.emit(
      'trade.completed',
      {
        symbol: 'BTC/USDT',
        side: 'buy',
        reason: 'signal',
        clientOrderId: 'cab-1',
        orderId: '1',
        filledBase: '0.00100000',
        filledQuote: '65.0001',
        averagePrice: '65000.1',
        fee: '0.000002',
        feeCurrency: 'BTC',
      },
      'corr-1',
    );
    await bus.drain();
    expect(rows).toEqual([
      { ts: 1_700_000_000_000, topic: 'trade.completed', subscriber: 'journal', payload: JSON.stringify(e), error: 'SQLITE_BUSY', attempts: 1 },
    ]);
    expect(JSON.parse(rows[0]?.payload ?? '')).toMatchObject({ filledBase: '0.00100000', correlationId: 'corr-1' });
  });
});
