// The O(1) indicators against their textbook O(n·period) definitions on random series.
import fc from 'fast-check';
import { atr, bollinger, ema, rsi, sma } from './index';

const prices = fc.array(
  fc.integer({ min: 1, max: 10_000_000 }).map((u) => u / 100),
  { minLength: 1, maxLength: 300 },
);
const period = fc.integer({ min: 1, max: 40 });
/** Prices with spikes and flat runs: a spike leaving the window is where a slid variance goes wrong. */
const spiky = fc.array(
  fc.oneof(
    fc.integer({ min: 1, max: 10_000_000 }).map((u) => u / 100),
    fc.constantFrom(0.01, 0.02, 16_383.83, 1e6),
  ),
  { minLength: 1, maxLength: 300 },
);
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

function expectSeries(ours: number[], naive: (i: number) => number): void {
  ours.forEach((v, i) => {
    const want = naive(i);
    if (Number.isNaN(want)) expect(v).toBeNaN();
    else if (!close(v, want)) throw new Error(`index ${i}: ${v} vs naive ${want}`);
  });
}

describe('indicators equal their naive definitions (property)', () => {
  it('SMA = mean of the last `period` values', () => {
    fc.assert(fc.property(spiky, period, (xs, p) => expectSeries(sma(xs, p), (i) => (i + 1 < p ? NaN : mean(xs.slice(i + 1 - p, i + 1))))));
  });

  it('EMA = SMA seed, then x·k + prev·(1 − k)', () => {
    fc.assert(
      fc.property(prices, period, (xs, p) => {
        const k = 2 / (p + 1);
        const want: number[] = [];
        xs.forEach((x, i) => want.push(i + 1 < p ? NaN : i + 1 === p ? mean(xs.slice(0, p)) : x * k + want[i - 1]! * (1 - k)));
        expectSeries(ema(xs, p), (i) => want[i]!);
      }),
    );
  });

  it('Bollinger = mean ± mult · population σ of the window', () => {
    fc.assert(
      fc.property(
        spiky,
        period,
        fc.integer({ min: 1, max: 30 }).map((m) => m / 10),
        (xs, p, m) => {
          const b = bollinger(xs, p, m);
          const sd = (i: number): number => {
            const w = xs.slice(i + 1 - p, i + 1);
            const mu = mean(w);
            return Math.sqrt(mean(w.map((x) => (x - mu) ** 2)));
          };
          b.upper.forEach((u, i) => {
            if (i + 1 < p) return expect(u).toBeNaN();
            const want = mean(xs.slice(i + 1 - p, i + 1)) + m * sd(i);
            expect(Math.abs(u - want)).toBeLessThan(1e-6 * Math.max(1, Math.abs(want)));
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('RSI = 100 · avgGain / (avgGain + avgLoss), Wilder-smoothed', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 2, max: 30 }), (xs, p) => {
        const want: number[] = xs.map(() => NaN);
        let g = 0;
        let l = 0;
        for (let i = 1; i < xs.length; i++) {
          const d = xs[i]! - xs[i - 1]!;
          const gain = Math.max(d, 0);
          const loss = Math.max(-d, 0);
          if (i < p) {
            g += gain;
            l += loss;
            continue;
          }
          if (i === p) {
            g = (g + gain) / p;
            l = (l + loss) / p;
          } else {
            g = (g * (p - 1) + gain) / p;
            l = (l * (p - 1) + loss) / p;
          }
          want[i] = g + l === 0 ? 50 : (100 * g) / (g + l);
        }
        rsi(xs, p).forEach((v, i) => (Number.isNaN(want[i]!) ? expect(v).toBeNaN() : expect(Math.abs(v - want[i]!)).toBeLessThan(1e-7)));
      }),
    );
  });

  it('ATR = Wilder-smoothed true range, first bar only gives the previous close', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 30 }), (xs, p) => {
        const high = xs.map((x) => x * 1.01);
        const low = xs.map((x) => x * 0.99);
        const tr = xs.map((_, i) => (i === 0 ? NaN : Math.max(high[i]! - low[i]!, Math.abs(high[i]! - xs[i - 1]!), Math.abs(low[i]! - xs[i - 1]!))));
        const want: number[] = xs.map(() => NaN);
        for (let i = p; i < xs.length; i++) want[i] = i === p ? mean(tr.slice(1, p + 1)) : (want[i - 1]! * (p - 1) + tr[i]!) / p;
        expectSeries(atr(high, low, xs, p), (i) => want[i]!);
      }),
    );
  });
});
