import { dec } from '../money/decimal';
import { orderEventFromVenue, type VenueStatus } from './venue-event';

describe('orderEventFromVenue', () => {
  it.each([
    ['open', '0', '1', 'submitted'],
    ['open', '0.4', '0.6', 'partial'],
    ['closed', '1', '0', 'filled'],
    ['rejected', '0', null, 'rejected'],
    ['canceled', '0', '1', 'canceled'],
    ['canceled', '0.4', '0.6', 'canceled'],
    ['canceled', '1', '0', 'filled'], // Gate's filled IOC market buy reported as "cancelled"
    ['canceled', '1', null, 'filled'],
    ['expired', '0.999999', '0.0000005', 'filled'], // a remainder below one step is dust
    ['expired', '0', null, 'canceled'],
  ] as const)('%s, filled %s, remaining %s → %s', (status, filled, remaining, event) => {
    const o = { status: status as VenueStatus, filled: dec(filled), remaining: remaining === null ? null : dec(remaining) };
    expect(orderEventFromVenue(o, dec('0.000001'))).toBe(event);
  });

  it('without a dust allowance any remainder means canceled', () => {
    expect(orderEventFromVenue({ status: 'canceled', filled: dec('1'), remaining: dec('0.0000001') })).toBe('canceled');
  });
});
