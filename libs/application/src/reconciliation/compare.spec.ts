import fc from 'fast-check';
import { dec, str, ZERO, type Decimal } from '@cab/domain';
import type { BalanceDTO, OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import { compareBalances } from './compare-balances';
import { adoptedClientOrderId, classifyLookup, unknownOrders, venueMatch } from './compare-orders';
import { comparePosition } from './compare-positions';

const T = 1_700_000_000_000;
const order = (over: Partial<OrderRecord> = {}): OrderRecord => ({
  clientOrderId: 't-a',
  exchange: 'gate',
  exchangeOrderId: null,
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'market',
  requestedQuote: dec('100'),
  requestedBase: null,
  status: 'in_flight',
  filledBase: ZERO,
  filledQuote: ZERO,
  averagePrice: null,
  fee: ZERO,
  feeCurrency: null,
  idempotencyKey: 'k',
  reason: null,
  createdAt: T,
  updatedAt: T,
  ...over,
});
const dto = (over: Partial<OrderDTO> = {}): OrderDTO => ({
  id: '1',
  clientOrderId: 't-a',
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'market',
  status: 'closed',
  requestedQuote: dec('100'),
  requestedBase: null,
  filledBase: dec('0.002'),
  filledQuote: dec('100'),
  averagePrice: dec('50000'),
  fee: ZERO,
  feeCurrency: null,
  createdAt: T,
  updatedAt: T,
  fills: [],
  ...over,
});
const notFound = { ok: false as const, error: { kind: 'rejected' as const, code: 'ORDER_NOT_FOUND', message: 'no' } };

describe('classifyLookup', () => {
  it('settles what the venue knows', () => {
    expect(classifyLookup(order(), { ok: true, value: dto() }, T, 60_000).kind).toBe('settle');
  });
  it('waits while an unseen order may still be in transit, then closes it', () => {
    expect(classifyLookup(order(), notFound, T + 59_999, 60_000)).toEqual({ kind: 'wait', ageMs: 59_999 });
    expect(classifyLookup(order(), notFound, T + 60_000, 60_000)).toMatchObject({ kind: 'close', status: 'rejected' });
    expect(classifyLookup(order({ status: 'submitted' }), notFound, T + 60_000, 60_000)).toMatchObject({ kind: 'close', status: 'canceled' });
  });
  it('concludes nothing from a failed lookup', () => {
    const r = classifyLookup(order(), { ok: false, error: { kind: 'retryable', code: 'TIMEOUT', message: 't' } }, T + 10 * 60_000, 60_000);
    expect(r.kind).toBe('error');
  });
});

describe('venueMatch (an order its lookup no longer finds, among those the venue showed)', () => {
  it('is the one venue order with our client id and side', () => {
    expect(venueMatch(order(), [dto({ id: '7', clientOrderId: 't-b' }), dto({ id: '8' })])?.id).toBe('8');
    expect(venueMatch(order(), [dto({ id: '8', side: 'sell' })])).toBeNull();
    expect(venueMatch(order(), [])).toBeNull();
  });
  it('once the exchange id is known, only that very order: Gate accepts a duplicate client id', () => {
    expect(venueMatch(order({ exchangeOrderId: 'E1' }), [dto({ id: 'E2' })])).toBeNull();
    expect(venueMatch(order({ exchangeOrderId: 'E1' }), [dto({ id: 'E2' }), dto({ id: 'E1' })])?.id).toBe('E1');
  });
  it('matches nothing when two venue orders carry our client id (the same order seen twice is one)', () => {
    expect(venueMatch(order(), [dto({ id: 'E1' }), dto({ id: 'E2' })])).toBeNull();
    expect(venueMatch(order(), [dto({ id: 'E1' }), dto({ id: 'E1' })])?.id).toBe('E1');
  });
});

describe('unknownOrders / adoptedClientOrderId', () => {
  it('finds orders no local row knows, by client id or exchange id', () => {
    const venue = [dto({ id: '1', clientOrderId: 't-a' }), dto({ id: '2', clientOrderId: null }), dto({ id: '3', clientOrderId: 't-c' })];
    expect(unknownOrders(venue, new Set(['t-a']), new Set(['3'])).map((o) => o.id)).toEqual(['2']);
  });
  it('stores an adopted order under its own id when it is ours-shaped, else under the exchange id', () => {
    expect(adoptedClientOrderId(dto({ clientOrderId: 't-manual' }))).toBe('t-manual');
    expect(adoptedClientOrderId(dto({ id: '99', clientOrderId: null }))).toBe('adopted-99');
  });
});

describe('comparePosition', () => {
  const step = dec('0.000001');
  const tol = dec('0.001');
  it('matches within one step or the relative tolerance', () => {
    expect(comparePosition(dec('1'), dec('0.9995'), step, tol).kind).toBe('match');
    expect(comparePosition(dec('0.002'), dec('0.002001'), step, tol).kind).toBe('match');
  });
  it('calls the venue short or in surplus beyond it', () => {
    expect(comparePosition(dec('1'), dec('0.99'), step, tol)).toMatchObject({ kind: 'short' });
    expect(comparePosition(ZERO, dec('0.5'), step, tol)).toMatchObject({ kind: 'surplus' });
  });

  const amount = fc.bigInt({ min: 0n, max: 10n ** 12n }).map((n) => dec(n.toString()).div(dec('1000000')));
  it('property: comparing a value with itself always matches; short and surplus are mirror images', () => {
    fc.assert(
      fc.property(amount, amount, (a: Decimal, b: Decimal) => {
        expect(comparePosition(a, a, step, tol).kind).toBe('match');
        const ab = comparePosition(a, b, step, tol);
        if (ab.kind === 'short') expect(str(ab.diff)).toBe(str(a.minus(b)));
        if (ab.kind === 'surplus') expect(str(ab.diff)).toBe(str(b.minus(a)));
        if (ab.kind === 'match')
          expect(
            b
              .minus(a)
              .abs()
              .lte(a.times(tol).gt(step) ? a.times(tol) : step),
          ).toBe(true);
      }),
    );
  });
});

describe('compareBalances', () => {
  const bal = (over: Partial<BalanceDTO> = {}): BalanceDTO => ({
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    freeBase: ZERO,
    freeQuote: dec('100'),
    usedBase: ZERO,
    usedQuote: ZERO,
    ...over,
  });
  it('is clean for a plain account', () => {
    expect(compareBalances(bal(), 0)).toEqual([]);
  });
  it('halts on a negative amount', () => {
    expect(compareBalances(bal({ freeQuote: dec('-1') }), 0)).toEqual([expect.objectContaining({ halting: true, subject: 'USDT free' })]);
  });
  it('reports funds locked by orders the bot does not know, but not while it has open orders itself', () => {
    expect(compareBalances(bal({ usedQuote: dec('10') }), 0)).toEqual([expect.objectContaining({ halting: false, subject: 'USDT used' })]);
    expect(compareBalances(bal({ usedQuote: dec('10') }), 1)).toEqual([]);
  });
});
