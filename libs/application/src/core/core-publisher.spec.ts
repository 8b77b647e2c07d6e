import { FakeClock, SequentialIds, T0 } from '@cab/domain/testing';
import type { AuditEntry } from '../ports/audit-log';
import { InProcessEventBus } from '../events/in-process-event-bus';
import { InMemoryDeadLetterSink, RecordingLogger, RecordingMetrics } from '../testing';
import { CorePublisher } from './core-publisher';

function setup() {
  const clock = new FakeClock(T0);
  const written: AuditEntry[] = [];
  const publisher = new CorePublisher({
    audit: { recordAll: async (entries) => void written.push(...entries) },
    bus: new InProcessEventBus({ clock, ids: new SequentialIds('e-'), deadLetters: new InMemoryDeadLetterSink() }),
    metrics: new RecordingMetrics(),
    logger: new RecordingLogger(),
    clock,
    strategy: 'scripted',
    ids: new SequentialIds('step-'),
  });
  return { publisher, written };
}

describe('CorePublisher: the decision log', () => {
  it("a signal and its step's risk verdict share a correlation id (the decisions pane pairs them); another step's do not", async () => {
    const { publisher, written } = setup();
    publisher.publish({ kind: 'signal', ts: T0, symbol: 'BTC/USDT', action: 'buy', reasons: ['cross'] });
    publisher.publish({ kind: 'signal', ts: T0, symbol: 'ETH/USDT', action: 'buy', reasons: ['cross'] });
    publisher.publish({ kind: 'risk', ts: T0, symbol: 'BTC/USDT', side: 'buy', ok: false, codes: ['RISK.MAX_POSITION'] });
    publisher.publish({ kind: 'signal', ts: T0 + 60_000, symbol: 'BTC/USDT', action: 'hold', reasons: [] });
    // A verdict with no signal of its step (another time) is not paired with the last one.
    publisher.publish({ kind: 'risk', ts: T0 + 120_000, symbol: 'BTC/USDT', side: 'buy', ok: true, codes: [] });
    await publisher.flushed();
    expect(written.map((e) => [e.kind, e.symbol, e.correlationId])).toEqual([
      ['signal', 'BTC/USDT', 'step-1'],
      ['signal', 'ETH/USDT', 'step-2'],
      ['risk', 'BTC/USDT', 'step-1'],
      ['signal', 'BTC/USDT', 'step-3'],
      ['risk', 'BTC/USDT', null],
    ]);
  });
});
