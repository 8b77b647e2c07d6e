import { cutDecimal, duration, fractionAsPercent, signOf, trimDecimal, utc } from './format';

describe('display formatting (decimal strings stay strings)', () => {
  it('trims trailing zeros as text', () => {
    expect(trimDecimal('0.00123400')).toBe('0.001234');
    expect(trimDecimal('12.50')).toBe('12.5');
    expect(trimDecimal('100')).toBe('100');
    expect(trimDecimal('-0.000')).toBe('0');
    expect(trimDecimal(null)).toBe('—');
    expect(trimDecimal('n/a')).toBe('n/a');
  });
  it('cuts without rounding through a float', () => {
    // 0.1 + 0.2 style noise cannot appear: the digits are cut, not computed.
    expect(cutDecimal('12345678901234567890.123456789', 2)).toBe('12345678901234567890.12');
    expect(cutDecimal('-3.999', 2)).toBe('-3.99');
    expect(cutDecimal('5', 2)).toBe('5');
  });
  it('shows a fraction as a percentage', () => {
    expect(fractionAsPercent('0.625')).toBe('62.5 %');
    expect(fractionAsPercent('1')).toBe('100 %');
    expect(fractionAsPercent('0.5')).toBe('50 %');
    expect(fractionAsPercent('0.33333333')).toBe('33.33 %');
    expect(fractionAsPercent(null)).toBe('—');
  });
  it('signs, times and durations', () => {
    expect([signOf('-1.5'), signOf('0.000'), signOf('2'), signOf(null)]).toEqual([-1, 0, 1, 0]);
    expect(utc(0)).toBe('1970-01-01 00:00:00');
    expect([duration(4_000), duration(125_000), duration(3_900_000)]).toEqual(['4 s', '2 min', '1 h 5 min']);
  });
});
