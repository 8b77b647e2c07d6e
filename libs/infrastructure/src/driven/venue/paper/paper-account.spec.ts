import { dec } from '@cab/domain';
import { PaperAccount } from './paper-account';

describe('PaperAccount', () => {
  it('changes a draft, never the original', () => {
    const a = PaperAccount.seed({ USDT: '100' });
    const d = a.draft().addFree('USDT', dec('-40')).lock('USDT', dec('10'));
    expect(a.toBalances()).toEqual({ USDT: { free: '100', used: '0' } });
    expect(d.toBalances()).toEqual({ USDT: { free: '50', used: '10' } });
  });

  it('refuses to go negative: that would be a bug in the broker', () => {
    expect(() => PaperAccount.seed({ USDT: '1' }).draft().addFree('USDT', dec('-2'))).toThrow(RangeError);
    expect(() => PaperAccount.seed({ USDT: '1' }).draft().unlock('USDT', dec('1'))).toThrow(RangeError);
  });

  it('releases every locked amount back to free', () => {
    const a = PaperAccount.fromBalances({ BTC: { free: '1', used: '0.5' }, USDT: { free: '0', used: '3' } });
    expect(a.hasLocked()).toBe(true);
    const r = a.draft().releaseAll();
    expect(r.hasLocked()).toBe(false);
    expect(r.toBalances()).toEqual({ BTC: { free: '1.5', used: '0' }, USDT: { free: '3', used: '0' } });
  });

  it('lists currencies in a stable order and knows unknown ones as zero', () => {
    const a = PaperAccount.seed({ USDT: '1', BTC: '2' });
    expect(Object.keys(a.toBalances())).toEqual(['BTC', 'USDT']);
    expect(a.get('ETH').free.eq('0')).toBe(true);
  });
});
