import type { OrderRecord } from '../ports/orders-repository';
import { anOrderRecord } from '../testing';
import { stepOrder } from './order-step';

const order = (status: OrderRecord['status']): OrderRecord => anOrderRecord({ clientOrderId: 't-1', status, createdAt: 1, updatedAt: 1 });

describe('stepOrder: an order moved by the domain transition table, with no venue answer to apply', () => {
  it.each([
    ['new', 'unknown', 'in_flight'],
    ['new', 'rejected', 'rejected'],
    ['in_flight', 'rejected', 'rejected'],
  ] as const)('%s + %s → %s, stamped with the time', (from, event, to) => {
    expect(stepOrder(order(from), event, 5)).toEqual({ ...order(from), status: to, updatedAt: 5 });
  });

  it('throws on a step the table forbids (a bug of the caller), naming the order', () => {
    expect(() => stepOrder(order('filled'), 'unknown', 5)).toThrow('t-1: order in status filled cannot take event unknown');
    expect(() => stepOrder(order('rejected'), 'unknown', 5)).toThrow(RangeError);
  });
});
