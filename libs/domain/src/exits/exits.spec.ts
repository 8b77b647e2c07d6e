import fc from 'fast-check';
import { dec, str, type Decimal } from '../money/decimal';
import { validateExitConfig, type ExitConfig } from './config';
import { ExitPolicy, type ExitState } from './exit-policy';

const cfg = (c: Partial<Record<keyof ExitConfig, string>> = {}): ExitConfig => {
  const v = validateExitConfig({ stopPct: '0.02', trailActivatePct: '0.01', trailPct: '0.005', takeProfitPct: '0', ...c });
  if (!v.ok) throw new Error(v.error.join('; '));
  return v.value;
};

/** Runs prices through the policy until it exits; returns the decisions. */
function run(policy: ExitPolicy, entry: string, prices: string[]) {
  let s: ExitState = policy.open(dec(entry));
  const out = [];
  for (const p of prices) {
    const d = policy.evaluate(s, dec(p));
    out.push(d);
    s = d.state;
    if (d.action === 'exit') break;
  }
  return out;
}

describe('ExitPolicy', () => {
  it('hard stop: exits at entry − stopPct', () => {
    const ds = run(new ExitPolicy(cfg()), '100', ['99', '98.5', '98']);
    expect(ds.map((d) => d.action)).toEqual(['hold', 'hold', 'exit']);
    const last = ds.at(-1)!;
    expect(last.action === 'exit' && last.reason).toBe('EXIT.STOP_LOSS');
    expect(last.action === 'exit' && last.message).toBe('price 98 <= stop 98 (entry 100 − 2.00%)');
  });

  it('trailing stop: arms after +activate, trails the peak, exits on the pullback', () => {
    const ds = run(new ExitPolicy(cfg()), '100', ['100.5', '101', '103', '102.6', '102.48']);
    expect(ds[0]!.state.trailStop).toBeNull();
    expect(str(ds[1]!.state.trailStop!)).toBe('100.495');
    expect(str(ds[2]!.state.trailStop!)).toBe('102.485');
    expect(str(ds[3]!.state.trailStop!)).toBe('102.485');
    const last = ds.at(-1)!;
    expect(last.action === 'exit' && last.reason).toBe('EXIT.TRAILING_STOP');
  });

  it('trailing stop armed at once with activation 0', () => {
    const p = new ExitPolicy(cfg({ trailActivatePct: '0', trailPct: '0.01', stopPct: '0' }));
    expect(str(p.open(dec('100')).trailStop!)).toBe('99');
    expect(p.stopPrice(p.open(dec('100')))).toBeNull();
  });

  it('take-profit when configured; never without', () => {
    const tp = new ExitPolicy(cfg({ takeProfitPct: '0.03', trailPct: '0' }));
    const ds = run(tp, '100', ['102', '103']);
    const last = ds.at(-1)!;
    expect(last.action === 'exit' && last.reason).toBe('EXIT.TAKE_PROFIT');
    const none = run(new ExitPolicy(cfg({ trailPct: '0' })), '100', ['150', '200']);
    expect(none.every((d) => d.action === 'hold')).toBe(true);
  });

  it('a gap down below both stops is reported as the trailing stop', () => {
    const ds = run(new ExitPolicy(cfg()), '100', ['110', '90']);
    const last = ds.at(-1)!;
    expect(last.action === 'exit' && last.reason).toBe('EXIT.TRAILING_STOP');
  });

  it('holding returns the same state object when nothing moved', () => {
    const p = new ExitPolicy(cfg());
    const s = p.open(dec('100'));
    expect(p.evaluate(s, dec('99.5')).state).toBe(s);
  });

  it('the levels are the products of the entry asked about, whatever entries came before (the cache is by entry)', () => {
    const p = new ExitPolicy(cfg({ stopPct: '0.02', takeProfitPct: '0.03' }));
    const entries = ['100', '61234.123456789012345678', '100', '99.99', '99.99'].map(dec);
    for (const e of entries) {
      const s = p.open(e);
      expect(str(p.stopPrice(s)!)).toBe(str(e.times(dec('0.98'))));
      expect(str(p.takeProfitPrice(s)!)).toBe(str(e.times(dec('1.03'))));
    }
    // The same entry object gives the same level object (what the core's float shadows key on).
    const e = dec('123.45');
    expect(p.stopPrice(p.open(e))).toBe(p.stopPrice({ entryPrice: e, peakPrice: e, trailStop: null }));
  });

  it('refuses a non-positive entry', () => {
    expect(() => new ExitPolicy(cfg()).open(dec('0'))).toThrow(RangeError);
  });

  it('the trailing stop never moves down (property)', () => {
    const price = fc.integer({ min: 1, max: 1_000_000 }).map((u) => dec(`${u}e-2`));
    const pctArb = fc.integer({ min: 0, max: 500 }).map((u) => `${u}e-4`);
    fc.assert(
      fc.property(price, fc.array(price, { maxLength: 60 }), pctArb, pctArb, (entry, path, act, trail) => {
        const p = new ExitPolicy(cfg({ trailActivatePct: act, trailPct: trail }));
        let s = p.open(entry);
        let prev: Decimal | null = s.trailStop;
        let peak = s.peakPrice;
        for (const x of path) {
          s = p.evaluate(s, x).state;
          if (prev !== null) expect(s.trailStop !== null && s.trailStop.gte(prev)).toBe(true);
          expect(s.peakPrice.gte(peak)).toBe(true);
          prev = s.trailStop;
          peak = s.peakPrice;
        }
      }),
    );
  });
});

describe('validateExitConfig', () => {
  it('lists every problem', () => {
    const v = validateExitConfig({ stopPct: '1', trailActivatePct: '-0.1', trailPct: 'abc', takeProfitPct: undefined });
    expect(v.ok).toBe(false);
    expect(!v.ok && v.error).toEqual([
      'stopPct: must be < 1, got 1',
      'trailActivatePct: must be >= 0, got -0.1',
      'trailPct: must be a decimal number as text (e.g. "0.005"), got "abc"',
      'takeProfitPct: must be a decimal number as text (e.g. "0.005"), got nothing',
    ]);
  });

  it('accepts Decimals as well as text', () => {
    const v = validateExitConfig({ stopPct: dec('0.05'), trailActivatePct: '0', trailPct: '0', takeProfitPct: '0' });
    expect(v.ok && str(v.value.stopPct)).toBe('0.05');
  });
});
