import { dec, str, ZERO, type Instrument } from '@cab/domain';
import { anInstrument } from '@cab/domain/testing';
import type { OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import { anOrderRecord } from '../testing';
import { applyToPosition, emptyPosition, settleOrder } from './fill-accounting';

const T = 1_700_000_000_000;
const inst: Instrument = anInstrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: '0.000001', minBase: '0.00001', minNotional: '3' });

const local = (over: Partial<OrderRecord> = {}): OrderRecord =>
  anOrderRecord({ clientOrderId: 't-x', exchange: 'gate', reason: 'signal: x', createdAt: T, updatedAt: T, ...over });

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
  updatedAt: T + 5,
  fills: [],
  ...over,
});

describe('settleOrder', () => {
  it('moves a new order straight to filled and reports one aggregate fill with the fee in base', () => {
    const s = settleOrder(local(), venue(), inst, T + 10);
    expect(s.status).toBe('filled');
    expect(s.patch.exchangeOrderId).toBe('42');
    expect(s.delta).not.toBeNull();
    expect(str(s.delta!.amount)).toBe('0.002');
    expect(s.delta!.feeCurrency).toBe('base');
    expect(s.delta!.ts).toBe(T + 10); // the pipeline's clock, not the venue's
  });

  it('is idempotent: the same answer seen again moves nothing', () => {
    const first = settleOrder(local(), venue(), inst, T + 10);
    const stored = local({ ...first.patch, status: first.status!, exchangeOrderId: '42' } as Partial<OrderRecord>);
    const again = settleOrder(stored, venue(), inst, T + 20);
    expect(again.delta).toBeNull();
    expect(again.patch.status).toBeUndefined();
  });

  it('moves only the increment when more has filled, and never shrinks on an older answer', () => {
    const partial = local({
      status: 'partial',
      exchangeOrderId: '42',
      filledBase: dec('0.001'),
      filledQuote: dec('50'),
      fee: dec('0.000002'),
      feeCurrency: 'BTC',
    });
    const more = settleOrder(partial, venue(), inst, T + 10);
    expect(str(more.delta!.amount)).toBe('0.001');
    expect(str(more.delta!.fee)).toBe('0.000002');
    const older = settleOrder(
      local({ status: 'filled', filledBase: dec('0.002'), filledQuote: dec('100') }),
      venue({ filledBase: dec('0.001'), filledQuote: dec('50') }),
      inst,
      T,
    );
    expect(older.delta).toBeNull();
    expect(older.patch.filledBase).toBeUndefined();
  });

  it('trusts filled amounts over the status: a fully filled IOC reported as canceled is filled (docs/lessons.md #12)', () => {
    expect(settleOrder(local(), venue({ status: 'canceled', filledQuote: dec('99.999') }), inst, T).status).toBe('filled');
    // Half filled and canceled: canceled, with the fill still counted.
    const half = settleOrder(local(), venue({ status: 'canceled', filledBase: dec('0.001'), filledQuote: dec('50') }), inst, T);
    expect(half.status).toBe('canceled');
    expect(str(half.delta!.amount)).toBe('0.001');
  });

  it('keeps an illegal transition out (a filled order is never reopened) but records nothing wrong', () => {
    const s = settleOrder(local({ status: 'filled', filledBase: dec('0.002'), filledQuote: dec('100') }), venue({ status: 'open' }), inst, T);
    expect(s.status).toBeNull();
    expect(s.patch.status).toBeUndefined();
  });

  it("carries the domain's lifecycle events: a new order found filled was accepted, then filled", () => {
    expect(settleOrder(local(), venue(), inst, T).events.map((e) => [e.type, e.from, e.to])).toEqual([
      ['order.accepted', 'new', 'submitted'],
      ['order.filled', 'submitted', 'filled'],
    ]);
  });

  it('counts a fee in a third currency (GT points) as zero for the position', () => {
    const s = settleOrder(local(), venue({ feeCurrency: 'GT', fee: dec('0.5') }), inst, T);
    expect(str(s.delta!.fee)).toBe('0');
  });
});

describe('applyToPosition', () => {
  const dust = (base: ReturnType<typeof dec>, price: ReturnType<typeof dec>) => inst.check(inst.qty(base), price) !== null;

  it('holds filled − fee after a buy (Gate takes the buy fee in base) and opens a round trip', () => {
    const c = applyToPosition(
      emptyPosition('BTC/USDT', T),
      { side: 'buy', amount: dec('0.002'), price: dec('50000'), fee: dec('0.000004'), feeCurrency: 'base', ts: T },
      T,
      dust,
    );
    expect(str(c.position.baseQty)).toBe('0.001996');
    expect(str(c.position.avgEntry)).toBe('50000');
    expect(c.position.openedAt).toBe(T);
  });

  it('keeps a remainder below the exchange minimum as explicit dust and ends the round trip', () => {
    const open = { ...emptyPosition('BTC/USDT', T), baseQty: dec('0.001996002'), avgEntry: dec('50000'), openedAt: T, peakPrice: dec('51000') };
    const c = applyToPosition(
      open,
      { side: 'sell', amount: dec('0.001996'), price: dec('49000'), fee: dec('0.2'), feeCurrency: 'quote', ts: T + 1 },
      T + 1,
      dust,
    );
    expect(str(c.dust)).toBe('0.000000002');
    expect(str(c.position.baseQty)).toBe('0.000000002');
    expect(c.position.openedAt).toBeNull();
    expect(c.position.peakPrice).toBeNull();
    expect(c.outcome!.realizedQuote.lt(ZERO)).toBe(true);
  });

  it('clamps a sell larger than the position instead of throwing, and says by how much', () => {
    const open = { ...emptyPosition('BTC/USDT', T), baseQty: dec('0.001'), avgEntry: dec('50000'), openedAt: T };
    const c = applyToPosition(open, { side: 'sell', amount: dec('0.0015'), price: dec('50000'), fee: ZERO, feeCurrency: 'quote', ts: T }, T);
    expect(str(c.clampedBase)).toBe('0.0005');
    expect(str(c.position.baseQty)).toBe('0');
  });
});
