import { dec, str, ZERO, type Instrument } from '@cab/domain';
import { anInstrument, FakeClock, SequentialIds } from '@cab/domain/testing';
import { InProcessEventBus } from '../events/in-process-event-bus';
import { TOPIC_NAMES } from '../events/topics';
import type { OrderDTO } from '../ports/broker';
import { noopLogger } from '../ports/logger';
import type { OrderRecord } from '../ports/orders-repository';
import type { PipelineDeps } from '../pipeline/deps';
import { InMemoryDeadLetterSink, InMemoryStorage, RecordingMetrics } from '../testing';
import { OrderSettler } from './order-settler';

const inst: Instrument = anInstrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: '0.000001', minBase: '0.00001', minNotional: '3' });

function harness() {
  const clock = new FakeClock();
  const bus = new InProcessEventBus({ clock, ids: new SequentialIds('e-'), deadLetters: new InMemoryDeadLetterSink() });
  const storage = new InMemoryStorage(clock);
  const deps = { bus, clock, metrics: new RecordingMetrics(), logger: noopLogger, ids: new SequentialIds('c-'), stores: storage } as unknown as PipelineDeps;
  const published: Array<{ topic: string; status?: string; filledBase: string }> = [];
  for (const topic of TOPIC_NAMES)
    bus.subscribe(
      topic,
      'spec',
      (e) => void published.push({ topic, ...('status' in e ? { status: String(e.status) } : {}), filledBase: 'filledBase' in e ? String(e.filledBase) : '' }),
    );
  return { clock, bus, storage, settler: new OrderSettler(deps), published };
}

const T = 1_700_000_000_000;
const order = (over: Partial<OrderRecord> = {}): OrderRecord => ({
  clientOrderId: 't-x',
  exchange: 'paper',
  exchangeOrderId: null,
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'market',
  requestedQuote: dec('100'),
  requestedBase: null,
  status: 'new',
  filledBase: ZERO,
  filledQuote: ZERO,
  averagePrice: null,
  fee: ZERO,
  feeCurrency: null,
  idempotencyKey: null,
  reason: 'signal: x',
  createdAt: T,
  updatedAt: T,
  ...over,
});
const venue = (over: Partial<OrderDTO> = {}): OrderDTO => ({
  id: '42',
  clientOrderId: 't-x',
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'market',
  status: 'closed',
  requestedQuote: dec('100'),
  requestedBase: null,
  filledBase: dec('0.002'),
  filledQuote: dec('100'),
  averagePrice: dec('50000'),
  fee: dec('0.000004'),
  feeCurrency: 'BTC',
  createdAt: T,
  updatedAt: T,
  fills: [],
  ...over,
});

describe('OrderSettler', () => {
  it('a new order found filled: one order.filled (accepted is a domain step, not a second topic), trade.completed, the position moved once', async () => {
    const h = harness();
    await h.storage.orders.insert(order());
    await h.settler.settle('t-x', venue(), inst, 'corr');
    await h.bus.drain();
    expect(h.published).toEqual([
      { topic: 'order.filled', status: 'filled', filledBase: '0.002' },
      { topic: 'trade.completed', filledBase: '0.002' },
    ]);
    expect(str((await h.storage.positions.get('BTC/USDT'))!.baseQty)).toBe('0.001996');

    // The same answer again: nothing published, nothing moved.
    const again = await h.settler.settle('t-x', venue(), inst, 'corr');
    await h.bus.drain();
    expect(again!.changed).toBe(false);
    expect(h.published).toHaveLength(2);
    expect(str((await h.storage.positions.get('BTC/USDT'))!.baseQty)).toBe('0.001996');
  });

  it('partly filled then filled: order.submitted for the partial fill, then order.filled', async () => {
    const h = harness();
    await h.storage.orders.insert(order());
    await h.settler.settle('t-x', venue({ status: 'open', filledBase: dec('0.001'), filledQuote: dec('50'), fee: dec('0.000002') }), inst, 'corr');
    await h.settler.settle('t-x', venue(), inst, 'corr');
    await h.bus.drain();
    expect(h.published.map((p) => [p.topic, p.status])).toEqual([
      ['order.submitted', 'partial'],
      ['order.filled', 'filled'],
      ['trade.completed', undefined],
    ]);
    expect(str((await h.storage.positions.get('BTC/USDT'))!.baseQty)).toBe('0.001996');
  });

  it('an illegal transition publishes no order topic, but the late fill still moves the position', async () => {
    const h = harness();
    await h.storage.orders.insert(
      order({ status: 'filled', exchangeOrderId: '42', filledBase: dec('0.001'), filledQuote: dec('50'), fee: dec('0.000002'), feeCurrency: 'BTC' }),
    );
    const r = await h.settler.settle('t-x', venue({ status: 'open' }), inst, 'corr');
    await h.bus.drain();
    expect(r!.order.status).toBe('filled');
    expect(h.published.map((p) => p.topic)).toEqual(['trade.completed']);
    expect(str((await h.storage.positions.get('BTC/USDT'))!.baseQty)).toBe('0.000998');
  });
});
