import { dec } from '@cab/domain';
import { calmarRatio, chainSeries, compareScores, score, sortinoRatio, type EquitySeries } from './objectives';

const DAY = 86_400_000;
const series = (values: string[], stepMs = DAY): EquitySeries => ({ ts: values.map((_, i) => i * stepMs), equity: values.map((v) => dec(v)) });

describe('objectives', () => {
  it('profit is the exact net return in percent', () => {
    expect(score('profit', series(['1000', '1010', '1003.3']))).toBe('0.33');
    expect(score('profit', series(['1000']))).toBe('0');
  });

  it('sortino divides the mean return by the downside deviation only, annualised', () => {
    // Daily returns +10 %, −5 %, +10 %: downside RMS = √(0.05² / 3).
    const s = series(['100', '110', '104.5', '114.95']);
    const mean = (0.1 - 0.05 + 0.1) / 3;
    expect(sortinoRatio(s)).toBeCloseTo((mean / Math.sqrt(0.0025 / 3)) * Math.sqrt(365), 6);
    // Never down: no downside to divide by.
    expect(sortinoRatio(series(['100', '101', '102']))).toBeNull();
  });

  it('calmar is the annualised return over the max drawdown', () => {
    // One year (365 daily steps… here 2 steps of half a year): +20 % with a 10 % drawdown on the way.
    const s: EquitySeries = { ts: [0, 182.5 * DAY, 365 * DAY], equity: [dec('100'), dec('90'), dec('120')] };
    expect(calmarRatio(s)).toBeCloseTo(0.2 / 0.1, 9);
    expect(calmarRatio(series(['100', '110']))).toBeNull();
  });

  it('sharpe agrees with the backtest summary’s (the domain’s) to 6 places, as text', () => {
    expect(score('sharpe', series(['100', '101', '100.5', '102']))).toMatch(/^-?\d+\.\d{6}$/);
    expect(score('sharpe', series(['100', '100']))).toBeNull();
  });

  it('ranks higher first and undefined last, stably', () => {
    const xs = ['1.5', null, '-2', '10', null, '1.5'];
    expect([...xs].sort(compareScores)).toEqual(['10', '1.5', '1.5', '-2', null, null]);
  });

  it('chains curves as if the money were carried from one window to the next', () => {
    const a = series(['100', '110']);
    const b: EquitySeries = { ts: [2 * DAY, 3 * DAY], equity: [dec('50'), dec('45')] };
    const c = chainSeries([a, b]);
    expect(c.ts).toEqual([0, DAY, 3 * DAY]);
    expect(c.equity.map((e) => e.toFixed())).toEqual(['100', '110', '99']);
    expect(score('profit', c)).toBe('-1');
  });
});
