import fc from 'fast-check';
import { BINANCE_1H, loadCandles } from '../../test/candles';
import { Atr, Bollinger, Ema, Macd, Rsi, Sma, atr, bollinger, ema, macd, rsi, sma, trueRange } from './index';

const candles = loadCandles(BINANCE_1H);
const close = candles.map((c) => c.close);

/** NaN-aware equality: batch and streaming must give the very same doubles. */
const same = (a: number[], b: number[]): void => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Object.is(x, b[i])).toBe(true));
};

describe('streaming and batch agree exactly', () => {
  it('SMA, EMA, RSI', () => {
    const s = new Sma(20);
    const e = new Ema(20);
    const r = new Rsi(14);
    same(
      close.map((x) => s.update(x)),
      sma(close, 20),
    );
    same(
      close.map((x) => e.update(x)),
      ema(close, 20),
    );
    same(
      close.map((x) => r.update(x)),
      rsi(close, 14),
    );
    expect(s.value).toBe(sma(close, 20).at(-1));
  });

  it('ATR, MACD, Bollinger', () => {
    const a = new Atr(14);
    same(
      candles.map((c) => a.update(c.high, c.low, c.close)),
      atr(
        candles.map((c) => c.high),
        candles.map((c) => c.low),
        close,
        14,
      ),
    );
    const m = new Macd();
    const mb = macd(close);
    close.forEach((x, i) => {
      m.update(x);
      expect(Object.is(m.macd, mb.macd[i])).toBe(true);
      expect(Object.is(m.signal, mb.signal[i])).toBe(true);
      expect(Object.is(m.histogram, mb.histogram[i])).toBe(true);
    });
    const b = new Bollinger(20, 2);
    const bb = bollinger(close, 20, 2);
    close.forEach((x, i) => {
      b.update(x);
      expect(Object.is(b.upper, bb.upper[i])).toBe(true);
      expect(Object.is(b.lower, bb.lower[i])).toBe(true);
    });
  });
});

describe('warm-up', () => {
  it.each([
    ['Sma(5)', () => sma(close.slice(0, 10), 5), 4],
    ['Ema(5)', () => ema(close.slice(0, 10), 5), 4],
    ['Rsi(5)', () => rsi(close.slice(0, 10), 5), 5],
    ['Macd(3,5,2) macd', () => macd(close.slice(0, 10), { fast: 3, slow: 5, signal: 2 }).macd, 4],
    ['Macd(3,5,2) signal', () => macd(close.slice(0, 10), { fast: 3, slow: 5, signal: 2 }).signal, 5],
    ['Bollinger(5)', () => bollinger(close.slice(0, 10), 5).middle, 4],
  ])('%s gives NaN for exactly the warm-up bars', (_name, run, nans) => {
    const out = run();
    expect(out.findIndex((x) => !Number.isNaN(x))).toBe(nans);
    expect(out.slice(nans).every(Number.isFinite)).toBe(true);
  });

  it('ready flips when the first value appears', () => {
    const r = new Rsi(3);
    const flags = [1, 2, 3, 4, 5].map((x) => (r.update(x), r.ready));
    expect(flags).toEqual([false, false, false, true, true]);
    const a = new Atr(2);
    expect([1, 2, 3].map((x) => (a.update(x + 1, x, x), a.ready))).toEqual([false, false, true]);
    const m = new Macd({ fast: 2, slow: 3, signal: 2 });
    expect([1, 2, 3, 4].map((x) => (m.update(x), m.ready))).toEqual([false, false, false, true]);
    const e = new Ema(2);
    const s = new Sma(2);
    const b = new Bollinger(2);
    expect([1, 2].map((x) => (e.update(x), s.update(x), b.update(x), [e.ready, s.ready, b.ready]))).toEqual([
      [false, false, false],
      [true, true, true],
    ]);
  });
});

describe('values', () => {
  it('SMA and EMA of a constant are the constant', () => {
    expect(sma([3, 3, 3, 3], 2)).toEqual([NaN, 3, 3, 3]);
    expect(ema([3, 3, 3, 3], 2)).toEqual([NaN, 3, 3, 3]);
  });

  it('RSI is 100 for only gains, 0 for only losses, 50 for no movement', () => {
    expect(rsi([1, 2, 3, 4], 2).at(-1)).toBe(100);
    expect(rsi([4, 3, 2, 1], 2).at(-1)).toBe(0);
    expect(rsi([5, 5, 5, 5], 2).at(-1)).toBe(50);
  });

  it('RSI stays in [0, 100] (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 200 }), (xs) => {
        for (const v of rsi(xs, 2)) if (!Number.isNaN(v)) expect(v >= 0 && v <= 100).toBe(true);
      }),
    );
  });

  it('true range covers gaps from the previous close', () => {
    expect(trueRange(10, 8, 9)).toBe(2);
    expect(trueRange(10, 8, 5)).toBe(5);
    expect(trueRange(10, 8, 14)).toBe(6);
  });

  it('Bollinger of a constant has zero width and no %B', () => {
    const b = new Bollinger(3, 2);
    [7, 7, 7, 7].forEach((x) => b.update(x));
    expect([b.lower, b.middle, b.upper, b.stdDev]).toEqual([7, 7, 7, 0]);
    expect(b.percentB(7)).toBeNaN();
    const c = new Bollinger(2, 1);
    [1, 3].forEach((x) => c.update(x));
    expect([c.lower, c.middle, c.upper]).toEqual([1, 2, 3]);
    expect(c.percentB(2)).toBe(0.5);
  });

  it('stays exact over a long run at BTC prices (drift is re-summed away)', () => {
    let x = 60_000;
    let seed = 42;
    const xs: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      x += (seed / 2 ** 31 - 0.5) * 40;
      xs.push(Math.round(x * 100) / 100);
    }
    const s = new Sma(50);
    const b = new Bollinger(50, 2);
    xs.forEach((v) => (s.update(v), b.update(v)));
    const window = xs.slice(-50);
    const mean = window.reduce((a, v) => a + v, 0) / 50;
    const sd = Math.sqrt(window.reduce((a, v) => a + (v - mean) ** 2, 0) / 50);
    expect(Math.abs(s.value - mean)).toBeLessThan(1e-7);
    expect(Math.abs(b.middle - mean)).toBeLessThan(1e-7);
    expect(Math.abs(b.stdDev - sd)).toBeLessThan(1e-6);
  });
});

describe('bad input is a bug, and throws', () => {
  it.each([
    ['Sma(0)', () => new Sma(0)],
    ['Ema(1.5)', () => new Ema(1.5)],
    ['Rsi(-1)', () => new Rsi(-1)],
    ['Atr(NaN)', () => new Atr(NaN)],
    ['Macd fast >= slow', () => new Macd({ fast: 26, slow: 12 })],
    ['Bollinger mult 0', () => new Bollinger(20, 0)],
    ['Sma NaN input', () => new Sma(2).update(NaN)],
    ['Ema Infinity input', () => new Ema(2).update(Infinity)],
    ['Rsi NaN input', () => new Rsi(2).update(NaN)],
    ['Bollinger NaN input', () => new Bollinger(2).update(NaN)],
    ['Atr high < low', () => new Atr(2).update(1, 2, 1.5)],
    ['atr arrays of different length', () => atr([1], [1, 2], [1], 2)],
  ])('%s', (_name, f) => {
    expect(f).toThrow(RangeError);
  });
});
