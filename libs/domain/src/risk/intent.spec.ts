import { dec, str } from '../money/decimal';
import { aBuyIntent, aSellIntent, aTicker } from '../testing';
import { intentBase, isEntry } from './intent';

describe('intent helpers', () => {
  it('only a plain buy is an entry', () => {
    expect(isEntry(aBuyIntent())).toBe(true);
    expect(isEntry(aBuyIntent({ reduceOnly: true }))).toBe(false);
    expect(isEntry(aSellIntent())).toBe(false);
  });

  it('sizes a quote amount at the ask for buys and the bid for sells', () => {
    const t = aTicker({ bid: dec('50'), ask: dec('40') });
    expect(str(intentBase(aBuyIntent({ quoteAmount: dec('100') }), t))).toBe('2.5');
    expect(str(intentBase(aSellIntent('1', { baseAmount: undefined, quoteAmount: dec('100') }), t))).toBe('2');
    expect(str(intentBase(aSellIntent('0.3'), t))).toBe('0.3');
    expect(str(intentBase(aBuyIntent(), aTicker({ ask: dec('0') })))).toBe('0');
  });
});
