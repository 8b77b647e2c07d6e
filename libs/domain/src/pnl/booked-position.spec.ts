import { dec, str, ZERO } from '../money/decimal';
import { anInstrument, T0 } from '../testing';
import { applyFillToPosition, emptyBookedPosition, type BookedPosition } from './booked-position';
import { instrumentDust } from './round-trip';
import type { Fill } from './position';

const inst = anInstrument();
const dust = instrumentDust(inst);
const buy = (amount: string, price: string, fee: string, ts = T0): Fill => ({
  side: 'buy',
  amount: dec(amount),
  price: dec(price),
  fee: dec(fee),
  feeCurrency: 'base',
  ts,
});
const sell = (amount: string, price: string, fee: string, ts = T0): Fill => ({
  side: 'sell',
  amount: dec(amount),
  price: dec(price),
  fee: dec(fee),
  feeCurrency: 'quote',
  ts,
});
const held = (over: Partial<BookedPosition> = {}): BookedPosition => ({
  ...emptyBookedPosition('BTC/USDT'),
  baseQty: dec('0.001'),
  avgEntry: dec('50000'),
  openedAt: T0,
  ...over,
});

describe('applyFillToPosition', () => {
  it('Gate takes the buy fee in base: holds filled − fee, opens the round trip with fresh exit state', () => {
    const c = applyFillToPosition(
      { ...emptyBookedPosition('BTC/USDT'), peakPrice: dec('1'), stopPrice: dec('1') },
      buy('0.002', '50000', '0.000004', T0 + 7),
      dust,
    );
    expect(str(c.position.baseQty)).toBe('0.001996');
    expect(str(c.position.avgEntry)).toBe('50000');
    expect(str(c.position.feesQuote)).toBe('0.2');
    expect(c.position).toMatchObject({ openedAt: T0 + 7, peakPrice: null, stopPrice: null });
  });

  it('a buy on an open round trip keeps its exit state and start', () => {
    const c = applyFillToPosition(held({ peakPrice: dec('52000'), trailingActive: true }), buy('0.001', '52000', '0'), dust);
    expect(str(c.position.avgEntry)).toBe('51000');
    expect(c.position).toMatchObject({ openedAt: T0, peakPrice: dec('52000'), trailingActive: true });
  });

  it('a sell realizes PnL and a full exit goes flat with no exit state', () => {
    const c = applyFillToPosition(held({ peakPrice: dec('56000') }), sell('0.001', '55000', '0.11'), dust);
    expect(str(c.position.realizedPnl)).toBe('5');
    expect(str(c.position.feesQuote)).toBe('0.11');
    expect(c.position).toMatchObject({ baseQty: ZERO, openedAt: null, peakPrice: null });
    expect(c.outcome!.closed).not.toBeNull();
  });

  it('clamps a sell beyond the position; a sell with nothing to sell moves nothing', () => {
    const c = applyFillToPosition(held(), sell('0.0015', '50000', '0'), dust);
    expect(str(c.clampedBase)).toBe('0.0005');
    expect(str(c.position.baseQty)).toBe('0');
    const empty = emptyBookedPosition('BTC/USDT');
    const none = applyFillToPosition(empty, sell('0.001', '50000', '0'), dust);
    expect(none).toEqual({ position: empty, outcome: null, clampedBase: dec('0.001'), dust: ZERO });
  });

  it('keeps the fields a store adds (version, updatedAt) untouched', () => {
    const stored = { ...held(), version: 7, updatedAt: T0 - 1 };
    const c = applyFillToPosition(stored, buy('0.001', '50000', '0'), dust);
    expect(c.position.version).toBe(7);
    expect(c.position.updatedAt).toBe(T0 - 1);
  });
});
