// Our indicators against an independent implementation (technicalindicators 3.1) on real candles.
import * as ti from 'technicalindicators';
import { BINANCE_1H, BYBIT_1M, loadCandles } from '../../test/candles';
import { atr, bollinger, ema, macd, rsi, sma } from './index';

/** technicalindicators returns only the defined values; ours are aligned with NaN while warming up. */
function expectAligned(ours: number[], theirs: number[], tol: (x: number) => number): void {
  const firstDefined = ours.findIndex((x) => !Number.isNaN(x));
  expect(firstDefined).toBe(ours.length - theirs.length);
  for (let i = 0; i < theirs.length; i++) {
    const a = ours[firstDefined + i]!;
    const b = theirs[i]!;
    if (Math.abs(a - b) > tol(b)) throw new Error(`index ${firstDefined + i}: ours ${a} vs technicalindicators ${b}`);
  }
}
const rel = (x: number): number => 1e-9 * Math.max(1, Math.abs(x));

describe.each([BYBIT_1M, BINANCE_1H])('on real candles %s', (file) => {
  const candles = loadCandles(file);
  const close = candles.map((c) => c.close);
  const high = candles.map((c) => c.high);
  const low = candles.map((c) => c.low);

  it('has the rows its README promises', () => {
    expect(candles.length).toBeGreaterThanOrEqual(1440);
  });

  it.each([5, 20, 50])('SMA(%i) agrees', (period) => {
    expectAligned(sma(close, period), ti.SMA.calculate({ period, values: close }), rel);
  });

  it.each([9, 21, 50])('EMA(%i) agrees', (period) => {
    expectAligned(ema(close, period), ti.EMA.calculate({ period, values: close }), rel);
  });

  it.each([7, 14])('RSI(%i) agrees (technicalindicators rounds RSI to 2 places)', (period) => {
    expectAligned(rsi(close, period), ti.RSI.calculate({ period, values: close }), () => 0.0051);
  });

  it.each([14, 21])('ATR(%i) agrees', (period) => {
    expectAligned(atr(high, low, close, period), ti.ATR.calculate({ period, high, low, close }), rel);
  });

  it('MACD(12, 26, 9) agrees on all three lines', () => {
    const ours = macd(close, { fast: 12, slow: 26, signal: 9 });
    const theirs = ti.MACD.calculate({ values: close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false });
    expectAligned(
      ours.macd,
      theirs.map((r) => r.MACD!),
      rel,
    );
    const withSignal = theirs.filter((r) => r.signal !== undefined);
    expectAligned(
      ours.signal,
      withSignal.map((r) => r.signal!),
      rel,
    );
    expectAligned(
      ours.histogram,
      withSignal.map((r) => r.histogram!),
      rel,
    );
  });

  it.each([
    [20, 2],
    [10, 1.5],
  ])('Bollinger(%i, %f) agrees on all three bands', (period, stdDev) => {
    const ours = bollinger(close, period, stdDev);
    const theirs = ti.BollingerBands.calculate({ period, stdDev, values: close });
    expectAligned(
      ours.middle,
      theirs.map((r) => r.middle),
      rel,
    );
    expectAligned(
      ours.upper,
      theirs.map((r) => r.upper),
      rel,
    );
    expectAligned(
      ours.lower,
      theirs.map((r) => r.lower),
      rel,
    );
  });
});
