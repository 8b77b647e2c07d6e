import { ORDER_STATUSES, TERMINAL_STATUSES, type OrderStatus } from './status';
import { ORDER_EVENTS, ORDER_TRANSITIONS, isOpen, isTerminal, transition, transitionPath, type OrderEvent } from './transitions';

/** The expected table, written out independently of ORDER_TRANSITIONS: `null` = illegal. */
const EXPECTED: Record<OrderStatus, Record<OrderEvent, OrderStatus | null>> = {
  new: { submitted: 'submitted', partial: null, filled: null, canceled: null, rejected: 'rejected', unknown: 'in_flight' },
  in_flight: { submitted: 'submitted', partial: 'partial', filled: 'filled', canceled: 'canceled', rejected: 'rejected', unknown: 'in_flight' },
  submitted: { submitted: 'submitted', partial: 'partial', filled: 'filled', canceled: 'canceled', rejected: 'rejected', unknown: 'in_flight' },
  partial: { submitted: null, partial: 'partial', filled: 'filled', canceled: 'canceled', rejected: null, unknown: 'in_flight' },
  filled: { submitted: null, partial: null, filled: 'filled', canceled: null, rejected: null, unknown: null },
  canceled: { submitted: null, partial: null, filled: 'filled', canceled: 'canceled', rejected: null, unknown: null },
  rejected: { submitted: null, partial: null, filled: null, canceled: null, rejected: 'rejected', unknown: null },
};

const pairs = ORDER_STATUSES.flatMap((s) => ORDER_EVENTS.map((e) => [s, e, EXPECTED[s][e]] as const));

describe('order status transition table', () => {
  it('covers every (status, event) pair: 7 × 6', () => {
    expect(pairs).toHaveLength(42);
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it.each(pairs)('%s + %s → %s', (from, event, to) => {
    const r = transition(from, event);
    if (to === null) {
      expect(r).toEqual({ ok: false, code: 'ORDER.ILLEGAL_TRANSITION', from, event, message: `order in status ${from} cannot take event ${event}` });
    } else {
      expect(r).toEqual({ ok: true, status: to });
    }
  });

  it('a late fill after cancel is accepted', () => {
    const steps: OrderEvent[] = ['submitted', 'canceled', 'filled'];
    let s: OrderStatus = 'new';
    for (const e of steps) {
      const r = transition(s, e);
      if (!r.ok) throw new Error(r.message);
      s = r.status;
    }
    expect(s).toBe('filled');
  });

  it('a lost answer goes in_flight and reconciliation settles it', () => {
    const r1 = transition('new', 'unknown');
    expect(r1).toEqual({ ok: true, status: 'in_flight' });
    expect(transition('in_flight', 'filled')).toEqual({ ok: true, status: 'filled' });
  });

  it('every event is idempotent: applying it again changes nothing (reconciliation may repeat itself)', () => {
    for (const [from, event] of pairs) {
      const once = transition(from, event);
      if (!once.ok) continue;
      expect(transition(once.status, event)).toEqual({ ok: true, status: once.status });
    }
  });

  it('nothing leaves a terminal status except a late fill after cancel', () => {
    for (const [from, , to] of pairs) if (TERMINAL_STATUSES.includes(from) && to !== null && to !== from) expect([from, to]).toEqual(['canceled', 'filled']);
  });

  it.each(ORDER_STATUSES.map((s) => [s]))('isTerminal / isOpen of %s', (s) => {
    expect(isTerminal(s)).toBe(TERMINAL_STATUSES.includes(s));
    expect(isOpen(s)).toBe(['submitted', 'partial', 'in_flight'].includes(s));
  });
});

describe('transitionPath: the steps an event takes an order through', () => {
  // Written out: a `new` order the venue answers about (partly filled, filled, canceled) was
  // accepted first. Everywhere else a path is the single step of the table (or illegal).
  const IMPLIED_FROM_NEW: Partial<Record<OrderEvent, Array<[OrderStatus, OrderStatus]>>> = {
    partial: [
      ['new', 'submitted'],
      ['submitted', 'partial'],
    ],
    filled: [
      ['new', 'submitted'],
      ['submitted', 'filled'],
    ],
    canceled: [
      ['new', 'submitted'],
      ['submitted', 'canceled'],
    ],
  };
  const expectedPath = (from: OrderStatus, event: OrderEvent): Array<[OrderStatus, OrderStatus]> | null => {
    if (from === 'new' && IMPLIED_FROM_NEW[event]) return IMPLIED_FROM_NEW[event]!;
    const to = EXPECTED[from][event];
    return to === null ? null : [[from, to]];
  };

  it.each(pairs.map(([s, e]) => [s, e, expectedPath(s, e)] as const))('%s + %s → %j', (from, event, path) => {
    const r = transitionPath(from, event);
    if (path === null) {
      expect(r).toEqual({ ok: false, code: 'ORDER.ILLEGAL_TRANSITION', from, event, message: `order in status ${from} cannot take event ${event}` });
      return;
    }
    if (!r.ok) throw new Error(r.message);
    expect(r.steps.map((s) => [s.from, s.to])).toEqual(path);
    expect(r.status).toBe(path[path.length - 1]![1]);
    // Every step is a legal single transition of the table.
    for (const s of r.steps) expect(transition(s.from, s.event)).toEqual({ ok: true, status: s.to });
  });

  it('implies nothing for a refusal or a lost answer', () => {
    expect(transitionPath('new', 'rejected')).toEqual({ ok: true, status: 'rejected', steps: [{ event: 'rejected', from: 'new', to: 'rejected' }] });
    expect(transitionPath('new', 'unknown')).toEqual({ ok: true, status: 'in_flight', steps: [{ event: 'unknown', from: 'new', to: 'in_flight' }] });
  });
});
