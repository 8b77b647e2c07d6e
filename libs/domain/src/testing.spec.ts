import { FakeClock, SequentialIds, aRiskState, anInstrument } from './testing';
import { utcDayStart, MS } from './time/clock';

describe('test helpers', () => {
  it('FakeClock moves only when told to', () => {
    const c = new FakeClock(1000);
    expect(c.now()).toBe(1000);
    expect(c.advance(500).now()).toBe(1500);
    expect(c.set(42).now()).toBe(42);
    expect(new FakeClock().now()).toBe(1_700_000_000_000);
  });

  it('SequentialIds are deterministic', () => {
    const ids = new SequentialIds('o-');
    expect([ids.next(), ids.next()]).toEqual(['o-1', 'o-2']);
    expect(new SequentialIds().next()).toBe('id-1');
  });

  it('builders give valid defaults', () => {
    expect(anInstrument().symbol).toBe('BTC/USDT');
    expect(aRiskState().tradingState).toBe('active');
  });
});

describe('utcDayStart', () => {
  it('floors to midnight UTC, also before 1970', () => {
    expect(utcDayStart(MS.day + 5)).toBe(MS.day);
    expect(utcDayStart(-1)).toBe(-MS.day);
  });
});
