import { baseText, percentText, priceText, quoteText, signedQuoteText } from './money-text';

describe('amounts for people, from decimal strings', () => {
  it('quote to the cent, half-even, grouped; a rounded zero has no sign', () => {
    expect(['0', '0.004', '0.005', '0.015', '99.999', '1234567.891', '-0.004', '-12.345', '0.64615'].map(quoteText)).toEqual([
      '0.00',
      '0.00',
      '0.00',
      '0.02',
      '100.00',
      '1,234,567.89',
      '0.00',
      '-12.34',
      '0.65',
    ]);
  });

  it('a PnL carries its sign', () => {
    expect(['0.999', '-0.35285', '0.001', '0'].map(signedQuoteText)).toEqual(['+1.00', '-0.35', '0.00', '0.00']);
  });

  it('digits a float would lose are kept: the text comes from big.js, never a JS number', () => {
    expect(quoteText('123456789012345678.905')).toBe('123,456,789,012,345,678.90'); // a float prints 123456789012345680.00
    expect(quoteText('0.1000000000000000055511151231257827')).toBe('0.10');
    expect(baseText('12345678901234567.000000001')).toBe('12,345,678,901,234,567.000000001');
  });

  it('base amounts exact with trailing zeros dropped; prices to the cent from 1 up, else 8 places', () => {
    expect(['0.00120000', '0.001956082', '2'].map(baseText)).toEqual(['0.0012', '0.001956082', '2']);
    expect(['50000', '0.5', '0.000012345678', '1'].map(priceText)).toEqual(['50,000.00', '0.5', '0.00001235', '1.00']);
    expect(['0.5', '0.6667', '1'].map(percentText)).toEqual(['50.0%', '66.7%', '100.0%']);
  });

  it('refuses what is not a decimal string', () => {
    expect(() => quoteText('12,5')).toThrow(TypeError);
    expect(() => quoteText(12.5 as unknown as string)).toThrow(TypeError);
  });
});
