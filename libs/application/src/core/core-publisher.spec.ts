import { dec } from '@cab/domain';
import { FakeClock, SequentialIds, T0 } from '@cab/domain/testing';
import type { OrderRecord } from '../ports/orders-repository';
import type { AuditEntry } from '../ports/audit-log';
import { InProcessEventBus } from '../events/in-process-event-bus';
import { anOrderRecord, InMemoryDeadLetterSink, RecordingLogger, RecordingMetrics } from '../testing';
import { CorePublisher } from './core-publisher';

function setup() {
  const clock = new FakeClock(T0);
  const written: AuditEntry[] = [];
  const metrics = new RecordingMetrics();
  const publisher = new CorePublisher({
    audit: { recordAll: async (entries) => void written.push(...entries) },
    bus: new InProcessEventBus({ clock, ids: new SequentialIds('e-'), deadLetters: new InMemoryDeadLetterSink() }),
    metrics,
    logger: new RecordingLogger(),
    clock,
    strategy: 'scripted',
    ids: new SequentialIds('step-'),
  });
  return { publisher, written, metrics };
}

const orderOf = (over: Partial<OrderRecord>): OrderRecord => anOrderRecord({ reason: 'signal: cross', ...over });

describe('CorePublisher: the decision log', () => {
  it('an order placed by an allowed verdict carries its decision: signal, risk, placing and outcome share one correlation id', async () => {
    const { publisher, written } = setup();
    publisher.publish({ kind: 'signal', ts: T0, symbol: 'BTC/USDT', action: 'buy', reasons: ['cross'] });
    publisher.publish({ kind: 'risk', ts: T0, symbol: 'BTC/USDT', side: 'buy', ok: true, codes: [] });
    const order = orderOf({ clientOrderId: 'c-1' });
    publisher.placing(order);
    // The next step's signal comes before the send goes out (the write-ahead is awaited): the order keeps its own step.
    publisher.publish({ kind: 'signal', ts: T0 + 60_000, symbol: 'BTC/USDT', action: 'hold', reasons: [] });
    publisher.sending(order);
    publisher.publish({
      kind: 'order',
      ts: T0 + 60_000,
      symbol: 'BTC/USDT',
      order: { ...order, status: 'rejected' },
      before: order,
      error: 'rejected SPEC.REFUSED: no',
    });
    // An exit's sell (no verdict of its step) and an order of a refused verdict stay uncorrelated.
    publisher.placing(orderOf({ clientOrderId: 'c-exit', side: 'sell', createdAt: T0 + 60_000 }));
    publisher.sending(orderOf({ clientOrderId: 'c-exit', side: 'sell', createdAt: T0 + 60_000 }));
    publisher.publish({ kind: 'signal', ts: T0 + 120_000, symbol: 'BTC/USDT', action: 'buy', reasons: [] });
    publisher.publish({ kind: 'risk', ts: T0 + 120_000, symbol: 'BTC/USDT', side: 'buy', ok: false, codes: ['RISK.MAX_POSITION'] });
    publisher.placing(orderOf({ clientOrderId: 'c-refused', createdAt: T0 + 120_000 }));
    publisher.sending(orderOf({ clientOrderId: 'c-refused', createdAt: T0 + 120_000 }));
    await publisher.flushed();
    expect(written.map((e) => [e.kind, e.summary.replace(/ .*/, ''), e.correlationId])).toEqual([
      ['signal', 'scripted:', 'step-1'],
      ['risk', 'buy', 'step-1'],
      ['signal', 'scripted:', 'step-2'],
      ['order', 'placing', 'step-1'],
      ['order', 'buy', 'step-1'],
      ['order', 'placing', null],
      ['signal', 'scripted:', 'step-3'],
      ['risk', 'buy', 'step-3'],
      ['order', 'placing', null],
    ]);
  });

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

  it("counts an order's outcome with the catalogue's labels exactly (symbol, side, outcome): another label would drop the series", async () => {
    const { publisher, metrics } = setup();
    const order: OrderRecord = {
      clientOrderId: 'c-1',
      exchange: 'paper',
      exchangeOrderId: 'x1',
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      requestedQuote: dec('100'),
      requestedBase: null,
      status: 'filled',
      filledBase: dec('0.002'),
      filledQuote: dec('100'),
      averagePrice: dec('50000'),
      fee: dec('0.000004'),
      feeCurrency: 'BTC',
      idempotencyKey: 'k',
      reason: 'signal: cross',
      createdAt: T0,
      updatedAt: T0,
    };
    publisher.publish({ kind: 'order', ts: T0, symbol: 'BTC/USDT', order, before: { ...order, status: 'new', filledBase: dec('0'), fee: dec('0') } });
    // The same answer again (a later look that changed nothing) counts nothing more.
    publisher.publish({ kind: 'order', ts: T0, symbol: 'BTC/USDT', order, before: order });
    publisher.publish({ kind: 'refused', ts: T0, symbol: 'BTC/USDT', side: 'buy', reason: 'a buy of BTC/USDT is not settled yet' });
    await publisher.flushed();
    expect(metrics.count('cab_orders_total', { symbol: 'BTC/USDT', side: 'buy', outcome: 'filled' })).toBe(1);
    expect(metrics.count('cab_orders_total', { symbol: 'BTC/USDT', side: 'buy', outcome: 'duplicate' })).toBe(1);
  });
});
