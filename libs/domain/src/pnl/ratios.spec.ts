import { dec, str, type Decimal } from '../money/decimal';
import { maxDrawdown } from './equity-stats';
import { annualisedReturn, calmarRatio, dailyRatios, MIN_RATIO_RETURNS, periodReturns, sharpe, sharpeRatio, sortinoRatio } from './ratios';

const curve = (xs: string[]): Decimal[] => xs.map((x) => dec(x));

describe('ratios', () => {
  it('period returns from decimal equity, undefined after a non-positive value', () => {
    expect(periodReturns(curve(['100', '110', '99']))).toEqual([0.1, -0.1]);
    expect(periodReturns(curve(['100']))).toEqual([]);
    expect(periodReturns(curve(['100', '0', '10']))).toBeNull();
  });

  it('Sharpe of period returns, annualised', () => {
    // returns +10 %, −10 %, +10 %: mean 0.0333…, sample σ 0.11547…
    expect(sharpe(curve(['100', '110', '99', '108.9']), 1)).toBeCloseTo(0.288675, 5);
    expect(sharpe(curve(['100', '110', '99', '108.9']), 4)).toBeCloseTo(0.57735, 4);
    expect(sharpe(curve(['100', '101']), 365)).toBeNaN();
    expect(sharpe(curve(['100', '100', '100']), 365)).toBeNaN();
    expect(sharpe(curve(['0', '100', '120']), 365)).toBeNaN();
    expect(sharpeRatio([0.1, -0.1, 0.1], 1)).toBeCloseTo(0.288675, 5);
  });

  it('Sortino counts only the falls as risk', () => {
    // mean 0.0333…, downside deviation √(0.01 / 3) = 0.057735…
    expect(sortinoRatio([0.1, -0.1, 0.1], 1)).toBeCloseTo(0.57735, 5);
    expect(sortinoRatio([0.1, -0.1, 0.1], 4)).toBeCloseTo(1.1547, 4);
    // The same mean with a bigger upside spread: Sharpe falls, Sortino does not move.
    expect(sortinoRatio([0.2, -0.1, 0], 1)).toBeCloseTo(0.57735, 5);
    expect(sharpeRatio([0.2, -0.1, 0], 1)).toBeLessThan(sharpeRatio([0.1, -0.1, 0.1], 1));
    expect(sortinoRatio([0.1, 0.2], 365)).toBeNaN(); // no falling period
    expect(sortinoRatio([-0.1], 365)).toBeNaN();
  });

  it('annualised return and Calmar', () => {
    expect(annualisedReturn(dec('100'), dec('121'), 2)).toBeCloseTo(0.1, 10);
    expect(annualisedReturn(dec('100'), dec('110'), 0.5)).toBeCloseTo(0.21, 10);
    expect(annualisedReturn(dec('0'), dec('110'), 1)).toBeNaN();
    expect(annualisedReturn(dec('100'), dec('110'), 0)).toBeNaN();
    expect(calmarRatio(0.2, 0.1)).toBeCloseTo(2, 10);
    expect(calmarRatio(0.2, 0)).toBeNaN();
  });

  describe('dailyRatios', () => {
    // Days alternating +2 % and −1 %, from 1000: every fall is 1 % below the peak before it.
    const days = (n: number) => {
      const out = [dec('1000')];
      for (let i = 0; i < n; i++) out.push(out[i]!.times(dec(i % 2 === 0 ? '1.02' : '0.99')));
      return out;
    };

    it('gives no annualised figure below MIN_RATIO_RETURNS daily returns, and says why', () => {
      expect(MIN_RATIO_RETURNS).toBe(30);
      const r = dailyRatios(days(29), 0.01);
      expect(r.dailyReturns).toBe(29);
      for (const k of ['sharpe', 'sortino', 'calmar'] as const) expect(r[k]).toEqual({ value: null, reason: 'too few daily returns (29)' });
      expect(dailyRatios([dec('1000')], 0).sharpe).toEqual({ value: null, reason: 'too few daily returns (0)' });
    });

    it('Sharpe, Sortino and Calmar from 30 daily returns', () => {
      const eq = days(30);
      const dd = maxDrawdown(eq).maxDrawdownPct;
      expect(str(dd)).toBe('0.01');
      const r = dailyRatios(eq, Number(str(dd)));
      expect(r.dailyReturns).toBe(30);
      // mean 0.005; sample σ = 0.015 × √(30/29); downside deviation √(15 × 0.01² / 30)
      expect(r.sharpe.value).toBeCloseTo((0.005 / (0.015 * Math.sqrt(30 / 29))) * Math.sqrt(365), 6);
      expect(r.sortino.value).toBeCloseTo((0.005 / Math.sqrt(0.00005)) * Math.sqrt(365), 6);
      // CAGR: (1.02 × 0.99)^15 over 30/365 of a year
      expect(r.calmar.value).toBeCloseTo((Math.pow(Math.pow(1.02 * 0.99, 15), 365 / 30) - 1) / 0.01, 4);
    });

    it('says why a ratio is undefined on enough days', () => {
      const up = [dec('1000')];
      for (let i = 0; i < 30; i++) up.push(up[i]!.times(dec('1.001')));
      const r = dailyRatios(up, 0);
      expect(r.sortino).toEqual({ value: null, reason: 'no losing day' });
      expect(r.calmar).toEqual({ value: null, reason: 'no drawdown' });
      expect(
        dailyRatios(
          Array.from({ length: 31 }, () => dec('5')),
          0,
        ).sharpe,
      ).toEqual({ value: null, reason: 'the daily returns do not vary' });
    });
  });
});
