import { dec, str } from '../money/decimal';
import { RISK_SETTING_NAMES, validateRiskConfig } from './config';

const good = {
  cooldownSec: 60,
  maxSpreadPct: '0.005',
  maxPositionBase: '0',
  maxOrdersPerHour: 20,
  dailyLossLimitQuote: '50',
  maxFeePct: '0.002',
  maxSlippagePct: dec('0.003'),
  lossStreakMax: 3,
  lossStreakPauseSec: 1800,
  maxDrawdownQuote: '200',
  maxOpenPositions: 2,
  maxTotalExposureQuote: '500',
};

describe('validateRiskConfig', () => {
  it('accepts plain values and returns decimals', () => {
    const v = validateRiskConfig(good);
    if (!v.ok) throw new Error(v.error.join('\n'));
    expect(str(v.value.maxSpreadPct)).toBe('0.005');
    expect(str(v.value.maxSlippagePct)).toBe('0.003');
    expect(v.value.cooldownSec).toBe(60);
  });

  it('returns every problem at once', () => {
    const v = validateRiskConfig({
      ...good,
      cooldownSec: -1,
      maxSpreadPct: '1.5',
      maxPositionBase: 'lots',
      maxOrdersPerHour: 2.5,
      dailyLossLimitQuote: 50 as unknown as string,
      lossStreakPauseSec: 0,
    });
    expect(v.ok).toBe(false);
    expect(!v.ok && v.error).toEqual([
      'cooldownSec: must be an integer in [0, 604800], got -1',
      'maxSpreadPct: must be <= 1, got 1.5',
      'maxPositionBase: must be a decimal number as text (e.g. "0.005"), got "lots"',
      'maxOrdersPerHour: must be an integer in [0, 100000], got 2.5',
      'dailyLossLimitQuote: must be a decimal number as text (e.g. "0.005"), got 50',
      'lossStreakPauseSec: must be > 0 when lossStreakMax is set',
    ]);
  });

  it('reads the portfolio limits as off when a config written before them lacks them', () => {
    const { maxOpenPositions: _n, maxTotalExposureQuote: _q, ...old } = good;
    const v = validateRiskConfig(old);
    expect(v.ok && [v.value.maxOpenPositions, str(v.value.maxTotalExposureQuote)]).toEqual([0, '0']);
    const bad = validateRiskConfig({ ...good, maxOpenPositions: 1.5, maxTotalExposureQuote: '-1' });
    expect(!bad.ok && bad.error).toEqual(['maxOpenPositions: must be an integer in [0, 1000], got 1.5', 'maxTotalExposureQuote: must be >= 0, got -1']);
  });

  it('names the setting behind every field', () => {
    expect(Object.keys(RISK_SETTING_NAMES).sort()).toEqual(Object.keys(good).sort());
    expect(RISK_SETTING_NAMES.maxSpreadPct).toBe('RISK_MAX_SPREAD_PCT');
  });

  it('reports a missing field and an object that is not a decimal', () => {
    const v = validateRiskConfig({ ...good, maxFeePct: undefined, maxDrawdownQuote: {} });
    expect(!v.ok && v.error).toEqual([
      'maxFeePct: must be a decimal number as text (e.g. "0.005"), got nothing',
      'maxDrawdownQuote: must be a decimal number as text (e.g. "0.005"), got [object Object]',
    ]);
  });
});
