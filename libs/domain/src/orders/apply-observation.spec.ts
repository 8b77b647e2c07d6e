import { dec, str, ZERO, type Decimal } from '../money/decimal';
import { anInstrument, T0 } from '../testing';
import { applyObservation } from './apply-observation';
import type { Order, OrderLifecycleEventType, OrderObservation, VenueAnswer } from './order';
import { ORDER_STATUSES, type OrderStatus } from './status';

const inst = anInstrument();

const anOrder = (over: Partial<Order> = {}): Order => ({
  clientOrderId: 't-1',
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
  exchangeOrderId: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const answer = (over: Partial<VenueAnswer> = {}): VenueAnswer => ({
  kind: 'answer',
  id: '42',
  status: 'closed',
  requestedQuote: dec('100'),
  requestedBase: null,
  filledBase: dec('0.002'),
  filledQuote: dec('100'),
  averagePrice: dec('50000'),
  fee: dec('0.000004'),
  feeCurrency: 'BTC',
  ...over,
});

const none = (): VenueAnswer => answer({ status: 'open', filledBase: ZERO, filledQuote: ZERO, averagePrice: null, fee: ZERO, feeCurrency: null });
const half = (status: VenueAnswer['status']): VenueAnswer => answer({ status, filledBase: dec('0.001'), filledQuote: dec('50'), fee: dec('0.000002') });

/** Observations by the table event they mean. */
const OBSERVATIONS: Record<string, OrderObservation> = {
  'open, nothing filled': none(),
  'open, half filled': half('open'),
  closed: answer(),
  'canceled, nothing filled': answer({ status: 'canceled', filledBase: ZERO, filledQuote: ZERO, averagePrice: null, fee: ZERO, feeCurrency: null }),
  'canceled, all filled (Gate IOC)': answer({ status: 'canceled', filledQuote: dec('99.999') }),
  'canceled, half filled': half('canceled'),
  rejected: answer({ status: 'rejected', filledBase: ZERO, filledQuote: ZERO, averagePrice: null, fee: ZERO, feeCurrency: null }),
  'no answer': { kind: 'no_answer' },
};

type Row = Record<keyof typeof OBSERVATIONS, OrderLifecycleEventType[] | 'illegal'>;
const A = 'order.accepted',
  P = 'order.partially_filled',
  F = 'order.filled',
  C = 'order.canceled',
  R = 'order.rejected',
  I = 'order.in_flight';
const X = 'illegal' as const;

/** Every (status, observation): the lifecycle events, in order, or an illegal transition. */
const EXPECTED: Record<OrderStatus, Row> = {
  new: {
    'open, nothing filled': [A],
    'open, half filled': [A, P],
    closed: [A, F],
    'canceled, nothing filled': [A, C],
    'canceled, all filled (Gate IOC)': [A, F],
    'canceled, half filled': [A, C],
    rejected: [R],
    'no answer': [I],
  },
  in_flight: {
    'open, nothing filled': [A],
    'open, half filled': [P],
    closed: [F],
    'canceled, nothing filled': [C],
    'canceled, all filled (Gate IOC)': [F],
    'canceled, half filled': [C],
    rejected: [R],
    'no answer': [],
  },
  submitted: {
    'open, nothing filled': [],
    'open, half filled': [P],
    closed: [F],
    'canceled, nothing filled': [C],
    'canceled, all filled (Gate IOC)': [F],
    'canceled, half filled': [C],
    rejected: [R],
    'no answer': [I],
  },
  partial: {
    'open, nothing filled': X,
    'open, half filled': [],
    closed: [F],
    'canceled, nothing filled': [C],
    'canceled, all filled (Gate IOC)': [F],
    'canceled, half filled': [C],
    rejected: X,
    'no answer': [I],
  },
  filled: {
    'open, nothing filled': X,
    'open, half filled': X,
    closed: [],
    'canceled, nothing filled': X,
    'canceled, all filled (Gate IOC)': [],
    'canceled, half filled': X,
    rejected: X,
    'no answer': X,
  },
  canceled: {
    'open, nothing filled': X,
    'open, half filled': X,
    closed: [F],
    'canceled, nothing filled': [],
    'canceled, all filled (Gate IOC)': [F],
    'canceled, half filled': [],
    rejected: X,
    'no answer': X,
  },
  rejected: {
    'open, nothing filled': X,
    'open, half filled': X,
    closed: X,
    'canceled, nothing filled': X,
    'canceled, all filled (Gate IOC)': X,
    'canceled, half filled': X,
    rejected: [],
    'no answer': X,
  },
};

const cases = ORDER_STATUSES.flatMap((s) => Object.keys(OBSERVATIONS).map((o) => [s, o, EXPECTED[s][o]!] as const));

describe('applyObservation: every (status, observation)', () => {
  it('covers 7 statuses × 8 observations', () => expect(cases).toHaveLength(56));

  it.each(cases)('%s + %s → %j', (status, obs, expected) => {
    const r = applyObservation(anOrder({ status }), OBSERVATIONS[obs]!, inst, T0 + 1);
    if (expected === 'illegal') {
      expect(r.illegal).toMatchObject({ ok: false, code: 'ORDER.ILLEGAL_TRANSITION', from: status });
      expect(r.order.status).toBe(status);
      expect(r.events).toEqual([]);
      return;
    }
    expect(r.illegal).toBeNull();
    expect(r.events.map((e) => e.type)).toEqual(expected);
    // The events chain: each starts where the last ended, and the last is where the order is.
    let at = status;
    for (const e of r.events) {
      expect(e.from).toBe(at);
      at = e.to;
    }
    expect(r.order.status).toBe(at);
  });
});

describe('applyObservation', () => {
  it('a new order found filled: accepted then filled, the venue id, and one aggregate fill with the fee in base', () => {
    const r = applyObservation(anOrder(), answer(), inst, T0 + 10);
    expect(r.events).toEqual([
      { type: 'order.accepted', clientOrderId: 't-1', symbol: 'BTC/USDT', side: 'buy', from: 'new', to: 'submitted', ts: T0 + 10 },
      { type: 'order.filled', clientOrderId: 't-1', symbol: 'BTC/USDT', side: 'buy', from: 'submitted', to: 'filled', ts: T0 + 10 },
    ]);
    expect(r.order).toMatchObject({ status: 'filled', exchangeOrderId: '42', feeCurrency: 'BTC', updatedAt: T0 + 10 });
    expect(r.delta).toEqual({ side: 'buy', amount: dec('0.002'), price: dec('50000'), fee: dec('0.000004'), feeCurrency: 'base', ts: T0 + 10 });
  });

  it('an illegal transition is a value: the status stays, what filled still counts', () => {
    const partial = anOrder({ status: 'filled', filledBase: dec('0.001'), filledQuote: dec('50'), exchangeOrderId: '42' });
    const r = applyObservation(partial, answer({ status: 'open', filledBase: dec('0.0015'), filledQuote: dec('75') }), inst, T0);
    expect(r.illegal).toMatchObject({ code: 'ORDER.ILLEGAL_TRANSITION', from: 'filled', event: 'partial' });
    expect(r.order.status).toBe('filled');
    expect(str(r.order.filledBase)).toBe('0.0015');
    expect(str(r.delta!.amount)).toBe('0.0005');
  });

  it('filled amounts only grow: an older answer seen late changes nothing but the time', () => {
    const filled = anOrder({
      status: 'filled',
      filledBase: dec('0.002'),
      filledQuote: dec('100'),
      averagePrice: dec('50000'),
      fee: dec('0.000004'),
      feeCurrency: 'BTC',
      exchangeOrderId: '42',
    });
    const r = applyObservation(filled, half('canceled'), inst, T0 + 5);
    expect(r.delta).toBeNull();
    expect(r.order).toEqual({ ...filled, updatedAt: T0 + 5 });
  });

  it('no answer: in flight, nothing filled, nothing forgotten', () => {
    const sent = anOrder({ status: 'submitted', filledBase: dec('0.001'), filledQuote: dec('50'), exchangeOrderId: '42' });
    const r = applyObservation(sent, { kind: 'no_answer' }, inst, T0 + 1);
    expect(r.order).toEqual({ ...sent, status: 'in_flight', updatedAt: T0 + 1 });
    expect(r.delta).toBeNull();
    expect(r.event).toBe('unknown');
  });

  it('filled amounts decide, not the status string: a market buy whose quote remainder is below min notional is filled', () => {
    const r = applyObservation(anOrder({ status: 'submitted' }), answer({ status: 'canceled', filledQuote: dec('97.5') }), inst, T0);
    expect(r.order.status).toBe('filled');
    // Above min notional it is a cancel of the rest, with the fill counted.
    const rest = applyObservation(anOrder({ status: 'submitted' }), answer({ status: 'canceled', filledQuote: dec('96') }), inst, T0);
    expect(rest.order.status).toBe('canceled');
    expect(rest.delta).not.toBeNull();
  });

  it('a sell is judged by its base remainder against the amount step', () => {
    const sell = anOrder({ side: 'sell', requestedQuote: null, requestedBase: dec('0.002'), status: 'submitted' });
    const sold = (filled: string): Decimal => dec(filled);
    const r = applyObservation(
      sell,
      answer({
        status: 'canceled',
        requestedQuote: null,
        requestedBase: null,
        filledBase: sold('0.001999'),
        filledQuote: dec('99.95'),
        fee: dec('0.2'),
        feeCurrency: 'USDT',
      }),
      inst,
      T0,
    );
    expect(r.order.status).toBe('filled'); // 0.000001 left = one step: dust
    expect(r.delta).toMatchObject({ side: 'sell', feeCurrency: 'quote' });
    const cut = applyObservation(
      sell,
      answer({
        status: 'canceled',
        requestedQuote: null,
        requestedBase: null,
        filledBase: sold('0.0019'),
        filledQuote: dec('95'),
        fee: dec('0.2'),
        feeCurrency: 'USDT',
      }),
      inst,
      T0,
    );
    expect(cut.order.status).toBe('canceled');
  });

  it('a fee in a third currency (GT points) moves neither base nor quote', () => {
    const r = applyObservation(anOrder(), answer({ fee: dec('0.5'), feeCurrency: 'GT' }), inst, T0);
    expect(str(r.delta!.fee)).toBe('0');
    expect(r.order.feeCurrency).toBe('GT');
  });
});
