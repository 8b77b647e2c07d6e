import { BINANCE_1H, BYBIT_1M, loadCandles } from '../../test/candles';
import { bollinger } from '../indicators/bollinger';
import { ema } from '../indicators/ema';
import { rsi } from '../indicators/rsi';
import { timeframeMs } from '../market/timeframe';
import type { Candle } from '../market/types';
import { MS } from '../time/clock';
import { EmaCrossRsi } from './ema-cross-rsi';
import { MeanReversion } from './mean-reversion';
import { STRATEGY_NAMES, createStrategy, isStrategyName, strategyDefaults } from './registry';
import type { Signal, Strategy, StrategyContext } from './types';

const make = (name: string, params: Record<string, unknown> = {}): Strategy => {
  const v = createStrategy(name, params);
  if (!v.ok) throw new Error(v.problems.join('; '));
  return v.value;
};

/** The context right after candle i closed. */
const at = (candles: readonly Candle[], i: number, tf: number, extra: Partial<StrategyContext> = {}): StrategyContext => ({
  symbol: 'BTC/USDT',
  candles: candles.slice(0, i + 1),
  timeframeMs: tf,
  now: candles[i]!.ts + tf,
  ...extra,
});

/** Synthetic closes as 1m candles (for edge cases the real data may not contain). */
const series = (closes: number[]): Candle[] => closes.map((c, i) => ({ ts: i * MS.minute, open: c, high: c, low: c, close: c, volume: 1 }));

function replay(s: Strategy, candles: readonly Candle[], tf: number): Array<{ i: number; signal: Signal }> {
  const out = [];
  for (let i = 0; i < candles.length; i++) out.push({ i, signal: s.evaluate(at(candles, i, tf)) });
  return out;
}

describe('ema_cross_rsi on real 1h candles', () => {
  const candles = loadCandles(BINANCE_1H).slice(0, 1200);
  const s = make('ema_cross_rsi');
  const signals = replay(s, candles, MS.hour);

  it('buys and sells only on real crossovers of the EMAs over its window', () => {
    const trades = signals.filter((x) => x.signal.action !== 'hold');
    expect(trades.filter((x) => x.signal.action === 'buy').length).toBeGreaterThan(5);
    expect(trades.filter((x) => x.signal.action === 'sell').length).toBeGreaterThan(5);
    for (const { i, signal } of trades) {
      const closes = candles.slice(i + 1 - s.warmup, i + 1).map((c) => c.close);
      const f = ema(closes, 9);
      const sl = ema(closes, 21);
      const n = closes.length - 1;
      if (signal.action === 'buy') {
        expect(f[n - 1]! <= sl[n - 1]! && f[n]! > sl[n]!).toBe(true);
        expect(rsi(closes, 14)[n]!).toBeLessThan(70);
      } else {
        expect(f[n - 1]! >= sl[n - 1]! && f[n]! < sl[n]!).toBe(true);
      }
    }
  });

  it('holds with a reason while warming up', () => {
    expect(signals[10]!.signal).toEqual({ action: 'hold', reasons: [`SIGNAL.WARMUP: 11 candles < ${s.warmup} needed`] });
  });

  it('gives the same answer for a long history and for exactly its window', () => {
    for (const { i, signal } of signals.slice(s.warmup)) {
      const ctx = at(candles, i, MS.hour);
      expect(s.evaluate({ ...ctx, candles: ctx.candles.slice(-s.warmup) })).toEqual(signal);
    }
  });
});

describe('mean_reversion on real 1m candles', () => {
  const candles = loadCandles(BYBIT_1M);
  const s = make('mean_reversion', { rsiOversold: 35 });
  const signals = replay(s, candles, MS.minute);

  it('buys only below the lower band with RSI oversold, and sells at the middle band or when overbought', () => {
    const buys = signals.filter((x) => x.signal.action === 'buy');
    const sells = signals.filter((x) => x.signal.action === 'sell');
    expect(buys.length).toBeGreaterThan(3);
    expect(sells.length).toBeGreaterThan(3);
    for (const { i, signal } of [...buys, ...sells]) {
      const closes = candles.slice(i + 1 - s.warmup, i + 1).map((c) => c.close);
      const n = closes.length - 1;
      const bb = bollinger(closes, 20, 2);
      const r = rsi(closes, 14)[n]!;
      if (signal.action === 'buy') expect(closes[n]! < bb.lower[n]! && r < 35).toBe(true);
      else expect(closes[n]! >= bb.middle[n]! || r > 70).toBe(true);
    }
  });
});

describe('every strategy', () => {
  it.each(STRATEGY_NAMES.map((n) => [n]))('%s holds on stale data (last candle older than two timeframes)', (name) => {
    const s = make(name);
    const candles = loadCandles(BINANCE_1H).slice(0, s.warmup + 5);
    const last = candles.at(-1)!;
    const fresh = s.evaluate({ symbol: 'BTC/USDT', candles, timeframeMs: MS.hour, now: last.ts + 2 * MS.hour });
    expect(fresh.reasons.join()).not.toContain('STALE_DATA');
    const stale = s.evaluate({ symbol: 'BTC/USDT', candles, timeframeMs: MS.hour, now: last.ts + 2 * MS.hour + 1 });
    expect(stale).toEqual({ action: 'hold', reasons: ['SIGNAL.STALE_DATA: last candle is 7200s old > 2 timeframes (7200s)'] });
  });
});

describe('edge cases on synthetic closes', () => {
  const s = new EmaCrossRsi({ fastPeriod: 2, slowPeriod: 4, rsiPeriod: 3, rsiBuyMax: 70 });
  const down = Array.from({ length: 16 }, (_, i) => 100 - i);

  it('the RSI filter refuses an overbought cross up', () => {
    const c = series([...down, 200]);
    const sig = s.evaluate(at(c, c.length - 1, MS.minute));
    expect(sig.action).toBe('hold');
    expect(sig.reasons[1]).toMatch(/^SIGNAL.RSI_FILTER: RSI\(3\) .* >= 70, overbought$/);
  });

  it('a cross up with RSI below the limit buys; a held position turns it into hold', () => {
    const c = series([...down, 86.5, 87.5]);
    const ctx = at(c, c.length - 1, MS.minute);
    const buy = s.evaluate(ctx);
    expect(buy.action).toBe('buy');
    expect(s.evaluate({ ...ctx, inPosition: true })).toEqual({ action: 'hold', reasons: [...buy.reasons, 'SIGNAL.IN_POSITION: already long'] });
  });

  it('a cross down sells; without a position it holds', () => {
    const up = Array.from({ length: 16 }, (_, i) => 100 + i);
    const c = series([...up, 90]);
    const ctx = at(c, c.length - 1, MS.minute);
    expect(s.evaluate(ctx).action).toBe('sell');
    expect(s.evaluate({ ...ctx, inPosition: false }).reasons.at(-1)).toBe('SIGNAL.NO_POSITION: nothing to sell');
  });

  it('no cross holds and says where the fast EMA is', () => {
    const c = series(Array.from({ length: 20 }, (_, i) => 100 + i));
    expect(s.evaluate(at(c, c.length - 1, MS.minute)).reasons[0]).toMatch(/^SIGNAL.NO_CROSS: .*\(above\)$/);
  });

  it('mean reversion: below the band without oversold RSI holds; inside the bands holds; overbought sells', () => {
    const m = new MeanReversion({ bbPeriod: 5, bbMult: 1, rsiPeriod: 3, rsiOversold: 5, rsiOverbought: 70, exitBand: 'upper' });
    const zig = Array.from({ length: 20 }, (_, i) => (i % 2 ? 101 : 99));
    const below = series([...zig, 97]);
    expect(m.evaluate(at(below, below.length - 1, MS.minute)).reasons[1]).toMatch(/^SIGNAL.RSI_FILTER: .*not oversold$/);
    const inside = series([...zig, 100]);
    expect(m.evaluate(at(inside, inside.length - 1, MS.minute)).reasons[0]).toMatch(/^SIGNAL.INSIDE_BANDS: /);
    const m2 = new MeanReversion({ bbPeriod: 20, bbMult: 3, rsiPeriod: 3, rsiOversold: 30, rsiOverbought: 60, exitBand: 'upper' });
    const rising = series([...zig, 100, 100.5, 100.9]);
    const sig = m2.evaluate(at(rising, rising.length - 1, MS.minute));
    expect(sig.action).toBe('sell');
    expect(sig.reasons[0]).toMatch(/^SIGNAL.RSI_OVERBOUGHT: /);
  });
});

describe('registry', () => {
  it('knows its names and defaults', () => {
    expect(STRATEGY_NAMES).toEqual(['ema_cross_rsi', 'mean_reversion']);
    expect(isStrategyName('mean_reversion')).toBe(true);
    expect(isStrategyName('toString')).toBe(false);
    expect(strategyDefaults('ema_cross_rsi')).toEqual({ fastPeriod: 9, slowPeriod: 21, rsiPeriod: 14, rsiBuyMax: 70 });
    expect(make('mean_reversion', { exitBand: 'upper' }).name).toBe('mean_reversion');
  });

  it.each([
    ['nope', {}, ['strategy: unknown name "nope"; one of ema_cross_rsi, mean_reversion']],
    ['ema_cross_rsi', { fastPeriod: 30, colour: 'red' }, ['colour: not a parameter of ema_cross_rsi', 'fastPeriod (30) must be < slowPeriod (21)']],
    ['ema_cross_rsi', { rsiPeriod: '14', rsiBuyMax: 101 }, ['rsiPeriod: must be an integer in [2, 1000], got "14"', 'rsiBuyMax: must be a number in [1, 100], got 101']],
    [
      'mean_reversion',
      { exitBand: 'top', bbMult: 0, rsiOversold: 80 },
      ['exitBand: must be "middle" or "upper", got "top"', 'bbMult: must be a number in [0.1, 10], got 0', 'rsiOversold (80) must be < rsiOverbought (70)'],
    ],
  ])('%s %j → every problem', (name, params, problems) => {
    expect(createStrategy(name, params)).toEqual({ ok: false, problems });
  });
});

describe('timeframeMs', () => {
  it.each([
    ['1m', MS.minute],
    ['5m', 5 * MS.minute],
    ['1h', MS.hour],
    ['4h', 4 * MS.hour],
    ['1d', MS.day],
    ['30s', 30_000],
    ['0m', null],
    ['1w', null],
    ['m', null],
  ])('%s → %p', (tf, ms) => {
    expect(timeframeMs(tf)).toBe(ms);
  });
});
