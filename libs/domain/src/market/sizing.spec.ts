import { dec, str } from '../money/decimal';
import { anInstrument } from '../testing';
import { sellSize } from './sizing';

const inst = anInstrument({ amountStep: '0.0001', minBase: '0.001', minNotional: '5' });
const at = (pos: string, free: string, price = '40000') => sellSize(inst, dec(pos), dec(free), dec(price));

describe('sellSize', () => {
  it('sells min(free, position), quantized down, and reports the rest as dust', () => {
    const s = at('0.012345', '0.02');
    expect([str(s.qty), str(s.dust), s.deny]).toEqual(['0.0123', '0.000045', null]);
    const lower = at('0.012345', '0.01199');
    expect([str(lower.qty), str(lower.dust)]).toEqual(['0.0119', '0.000445']);
  });

  it('a position below the minimums is all dust, with the reason', () => {
    const s = at('0.0009', '0.0009');
    expect([str(s.qty), str(s.dust), s.deny?.code]).toEqual(['0', '0.0009', 'INSTRUMENT.MIN_BASE']);
    expect(at('0.002', '0.002', '100').deny?.code).toBe('INSTRUMENT.MIN_NOTIONAL');
    expect(at('0.01', '0').deny?.code).toBe('INSTRUMENT.QTY_NOT_POSITIVE');
  });
});
