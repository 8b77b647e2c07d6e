import { BINANCE_1H, BYBIT_1M, loadCandles } from '../../test/candles';
import { bollinger } from '../indicators/bollinger';
import { ema } from '../indicators/ema';
import { rsi } from '../indicators/rsi';
import { timeframeMs } from '../market/timeframe';
import type { Candle } from '../market/types';
import { MS } from '../time/clock';
import { EmaCrossRsi, type EmaCrossRsiParams } from './ema-cross-rsi';
import { MeanReversion, type MeanReversionParams } from './mean-reversion';
import { STRATEGY_NAMES, createStrategy, isStrategyName, strategyDefaults, strategyDefinition, strategyFactory } from './registry';
import { fmt, lazySignal, lazySignalOf } from './signal';
import type { Signal, SignalAction, Strategy, StrategyFactory } from './types';

const factory = (name: string, params: Record<string, unknown> = {}): StrategyFactory => {
  const v = createStrategy(name, params);
  if (!v.ok) throw new Error(v.error.join('; '));
  return v.value;
};

/** Synthetic closes as 1m candles (for edge cases the real data may not contain). */
const series = (closes: number[]): Candle[] => closes.map((c, i) => ({ ts: i * MS.minute, open: c, high: c, low: c, close: c, volume: 1 }));

/** Feeds every candle once, in order, and asks for the signal right after each one closed. */
function stream(s: Strategy, candles: readonly Candle[], tf: number, inPosition?: boolean): Signal[] {
  return candles.map((c) => {
    s.update(c);
    return s.signal({ symbol: 'BTC/USDT', timeframeMs: tf, now: c.ts + tf, ...(inPosition === undefined ? {} : { inPosition }) });
  });
}

const plain = (s: Signal): { action: SignalAction; reasons: string[] } => ({ action: s.action, reasons: [...s.reasons] });

/**
 * The reference: ema_cross_rsi's rule recomputed from scratch, with the batch indicators, over
 * every close fed so far (closes[0..i]) — no state carried between candles.
 */
function emaCrossRsiReference(closes: readonly number[], i: number, warmup: number, p: EmaCrossRsiParams): { action: SignalAction; reasons: string[] } {
  if (i + 1 < warmup) return { action: 'hold', reasons: [`SIGNAL.WARMUP: ${i + 1} candles < ${warmup} needed`] };
  const xs = closes.slice(0, i + 1);
  const f = ema(xs, p.fastPeriod);
  const s = ema(xs, p.slowPeriod);
  const r = rsi(xs, p.rsiPeriod)[i]!;
  const emas = `EMA(${p.fastPeriod}) ${fmt(f[i]!)} vs EMA(${p.slowPeriod}) ${fmt(s[i]!)}`;
  if (f[i - 1]! <= s[i - 1]! && f[i]! > s[i]!) {
    if (r >= p.rsiBuyMax)
      return { action: 'hold', reasons: [`SIGNAL.EMA_CROSS_UP: ${emas}`, `SIGNAL.RSI_FILTER: RSI(${p.rsiPeriod}) ${fmt(r)} >= ${p.rsiBuyMax}, overbought`] };
    return { action: 'buy', reasons: [`SIGNAL.EMA_CROSS_UP: ${emas}`, `SIGNAL.RSI_OK: RSI(${p.rsiPeriod}) ${fmt(r)} < ${p.rsiBuyMax}`] };
  }
  if (f[i - 1]! >= s[i - 1]! && f[i]! < s[i]!) return { action: 'sell', reasons: [`SIGNAL.EMA_CROSS_DOWN: ${emas}`] };
  return { action: 'hold', reasons: [`SIGNAL.NO_CROSS: ${emas} (${f[i]! > s[i]! ? 'above' : 'below'})`] };
}

/** The same for mean_reversion: actions only (its reasons are checked on synthetic closes below). */
function meanReversionReference(closes: readonly number[], i: number, warmup: number, p: MeanReversionParams): SignalAction {
  if (i + 1 < warmup) return 'hold';
  const xs = closes.slice(0, i + 1);
  const bb = bollinger(xs, p.bbPeriod, p.bbMult);
  const r = rsi(xs, p.rsiPeriod)[i]!;
  const close = xs[i]!;
  if (close < bb.lower[i]!) return r < p.rsiOversold ? 'buy' : 'hold';
  if (close >= (p.exitBand === 'upper' ? bb.upper[i]! : bb.middle[i]!)) return 'sell';
  return r > p.rsiOverbought ? 'sell' : 'hold';
}

describe('ema_cross_rsi streamed over real 1h candles', () => {
  const candles = loadCandles(BINANCE_1H).slice(0, 1200);
  const closes = candles.map((c) => c.close);
  const f = factory('ema_cross_rsi');
  const signals = stream(f.create(), candles, MS.hour);

  it('gives, on every candle, the signal recomputed from scratch over the whole history fed so far', () => {
    const params = f.params as unknown as EmaCrossRsiParams;
    signals.forEach((s, i) => expect({ i, ...plain(s) }).toEqual({ i, ...emaCrossRsiReference(closes, i, f.warmup, params) }));
    // Not vacuous: it trades.
    expect(signals.filter((s) => s.action === 'buy').length).toBeGreaterThan(5);
    expect(signals.filter((s) => s.action === 'sell').length).toBeGreaterThan(5);
  });

  it('holds SIGNAL.WARMUP until `warmup` candles are fed, then signals on the next', () => {
    expect(f.warmup).toBe(85);
    expect(plain(signals[10]!)).toEqual({ action: 'hold', reasons: ['SIGNAL.WARMUP: 11 candles < 85 needed'] });
    expect(plain(signals[83]!)).toEqual({ action: 'hold', reasons: ['SIGNAL.WARMUP: 84 candles < 85 needed'] });
    expect(signals[84]!.reasons[0]).not.toMatch(/WARMUP/);
  });

  it.each(STRATEGY_NAMES.map((n) => [n]))(
    '%s: after reset() it is a fresh strategy: warms up again, then matches a new instance fed the same candles',
    (name) => {
      // Short periods, so the first signals after the warm-up still carry any state a reset forgot.
      const short = name === 'ema_cross_rsi' ? { fastPeriod: 2, slowPeriod: 3, rsiPeriod: 2 } : { bbPeriod: 2, rsiPeriod: 2 };
      const g = factory(name, short);
      const s = g.create();
      stream(s, candles.slice(0, 300), MS.hour);
      s.reset();
      const again = stream(s, candles.slice(500, 530), MS.hour);
      const fresh = stream(g.create(), candles.slice(500, 530), MS.hour);
      expect(again.map(plain)).toEqual(fresh.map(plain));
      expect(again[0]!.reasons).toEqual([`SIGNAL.WARMUP: 1 candles < ${g.warmup} needed`]);
    },
  );

  it('asking twice without an update gives the same signal (the state moves only on update)', () => {
    const s = f.create();
    stream(s, candles.slice(0, 400), MS.hour);
    const ctx = { symbol: 'BTC/USDT', timeframeMs: MS.hour, now: candles[399]!.ts + MS.hour };
    expect(plain(s.signal(ctx))).toEqual(plain(s.signal(ctx)));
  });

  it('one factory makes independent instances (one per symbol)', () => {
    const a = f.create();
    const b = f.create();
    stream(a, candles.slice(0, 200), MS.hour);
    expect(b.signal({ symbol: 'ETH/USDT', timeframeMs: MS.hour, now: candles[0]!.ts }).reasons).toEqual(['SIGNAL.WARMUP: 0 candles < 85 needed']);
  });
});

describe('mean_reversion streamed over real 1m candles', () => {
  const candles = loadCandles(BYBIT_1M);
  const closes = candles.map((c) => c.close);
  const f = factory('mean_reversion', { rsiOversold: 35 });
  const signals = stream(f.create(), candles, MS.minute);

  it('gives, on every candle, the action recomputed from scratch over the whole history fed so far', () => {
    const params = f.params as unknown as MeanReversionParams;
    const mismatches = signals.map((s, i) => ({ i, got: s.action, want: meanReversionReference(closes, i, f.warmup, params) })).filter((x) => x.got !== x.want);
    expect(mismatches).toEqual([]);
    expect(signals.filter((s) => s.action === 'buy').length).toBeGreaterThan(3);
    expect(signals.filter((s) => s.action === 'sell').length).toBeGreaterThan(3);
  });
});

describe('reasons are built lazily', () => {
  // fmt formats every number of a reason with toFixed / toPrecision: counting those calls counts
  // the reasons built.
  let formats: jest.SpyInstance[];
  const formatted = (): number => formats.reduce((n, s) => n + s.mock.calls.length, 0);
  beforeEach(() => {
    formats = [jest.spyOn(Number.prototype, 'toFixed'), jest.spyOn(Number.prototype, 'toPrecision')];
  });
  afterEach(() => formats.forEach((s) => s.mockRestore()));

  it.each(STRATEGY_NAMES.map((n) => [n]))('%s: a run of holds formats no number until a reason is read, then once', (name) => {
    const s = factory(name).create();
    const candles = loadCandles(BINANCE_1H).slice(0, 400);
    // Flat: its sells are holds too (NO_POSITION, wrapping the sell's reasons, lazily as well).
    const signals = stream(s, candles, MS.hour, false);
    const holds = signals.filter((x) => x.action === 'hold');
    expect(holds.length).toBeGreaterThan(300);
    expect(formatted()).toBe(0);
    const last = holds.at(-1)!;
    const reasons = last.reasons;
    expect(reasons[0]).toMatch(/^SIGNAL\.[A-Z_]+: .*\d/);
    const once = formatted();
    expect(once).toBeGreaterThan(0);
    expect(last.reasons).toBe(reasons);
    expect(formatted()).toBe(once);
  });

  it('a reason read later still describes the candle it was made on', () => {
    const s = new EmaCrossRsi({ fastPeriod: 2, slowPeriod: 4, rsiPeriod: 3, rsiBuyMax: 70 });
    const [first] = stream(s, series(Array.from({ length: 20 }, (_, i) => 100 + i)), MS.minute).slice(-1);
    const text = plain(stream(new EmaCrossRsi(s.params), series(Array.from({ length: 20 }, (_, i) => 100 + i)), MS.minute).at(-1)!).reasons;
    stream(
      s,
      series(Array.from({ length: 20 }, (_, i) => 50 - i)).map((c) => ({ ...c, ts: c.ts + 20 * MS.minute })),
      MS.minute,
    );
    expect(first!.reasons).toEqual(text);
  });

  it('lazySignal builds on first read, once; JSON sees plain reasons', () => {
    const build = jest.fn(() => ['SIGNAL.X: 1']);
    const s = lazySignal('hold', build);
    expect(build).not.toHaveBeenCalled();
    expect(JSON.parse(JSON.stringify(s))).toEqual({ action: 'hold', reasons: ['SIGNAL.X: 1'] });
    expect(plain(s)).toEqual({ action: 'hold', reasons: ['SIGNAL.X: 1'] });
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('lazySignalOf builds from the values it was given, on first read, once; it shows what lazySignal shows', () => {
    const build = jest.fn((a: number, b: string, c: number, d: boolean) => [`SIGNAL.X: ${a} ${b} ${c} ${d}`]);
    const s = lazySignalOf('sell', build, 1, 'two', 3, true);
    expect(build).not.toHaveBeenCalled();
    expect(JSON.parse(JSON.stringify(s))).toEqual({ action: 'sell', reasons: ['SIGNAL.X: 1 two 3 true'] });
    expect(plain(s)).toEqual(plain(lazySignal('sell', () => ['SIGNAL.X: 1 two 3 true'])));
    expect(s).toEqual(lazySignal('sell', () => []));
    expect(build).toHaveBeenCalledTimes(1);
  });
});

describe('every strategy', () => {
  it.each(STRATEGY_NAMES.map((n) => [n]))('%s holds on stale data (last candle older than two timeframes)', (name) => {
    const f = factory(name);
    const s = f.create();
    const candles = loadCandles(BINANCE_1H).slice(0, f.warmup + 5);
    for (const c of candles) s.update(c);
    const last = candles.at(-1)!;
    const fresh = s.signal({ symbol: 'BTC/USDT', timeframeMs: MS.hour, now: last.ts + 2 * MS.hour });
    expect(fresh.reasons.join()).not.toContain('STALE_DATA');
    const stale = s.signal({ symbol: 'BTC/USDT', timeframeMs: MS.hour, now: last.ts + 2 * MS.hour + 1 });
    expect(plain(stale)).toEqual({ action: 'hold', reasons: ['SIGNAL.STALE_DATA: last candle is 7200s old > 2 timeframes (7200s)'] });
  });
});

describe('edge cases on synthetic closes', () => {
  const params = { fastPeriod: 2, slowPeriod: 4, rsiPeriod: 3, rsiBuyMax: 70 };
  const down = Array.from({ length: 16 }, (_, i) => 100 - i);
  const last = (closes: number[], inPosition?: boolean, s: Strategy = new EmaCrossRsi(params)): Signal =>
    stream(s, series(closes), MS.minute, inPosition).at(-1)!;

  it('the RSI filter refuses an overbought cross up', () => {
    const sig = last([...down, 200]);
    expect(sig.action).toBe('hold');
    expect(sig.reasons[1]).toMatch(/^SIGNAL.RSI_FILTER: RSI\(3\) .* >= 70, overbought$/);
  });

  it('a cross up with RSI below the limit buys; a held position turns it into hold', () => {
    const buy = last([...down, 86.5, 87.5]);
    expect(buy.action).toBe('buy');
    expect(plain(last([...down, 86.5, 87.5], true))).toEqual({ action: 'hold', reasons: [...buy.reasons, 'SIGNAL.IN_POSITION: already long'] });
  });

  it('a cross down sells; without a position it holds', () => {
    const up = Array.from({ length: 16 }, (_, i) => 100 + i);
    expect(last([...up, 90]).action).toBe('sell');
    expect(last([...up, 90], false).reasons.at(-1)).toBe('SIGNAL.NO_POSITION: nothing to sell');
  });

  it('no cross holds and says where the fast EMA is', () => {
    expect(last(Array.from({ length: 20 }, (_, i) => 100 + i)).reasons[0]).toMatch(/^SIGNAL.NO_CROSS: .*\(above\)$/);
  });

  it('mean reversion: below the band without oversold RSI holds; inside the bands holds; overbought sells', () => {
    const m = (): MeanReversion => new MeanReversion({ bbPeriod: 5, bbMult: 1, rsiPeriod: 3, rsiOversold: 5, rsiOverbought: 70, exitBand: 'upper' });
    const zig = Array.from({ length: 20 }, (_, i) => (i % 2 ? 101 : 99));
    expect(last([...zig, 97], undefined, m()).reasons[1]).toMatch(/^SIGNAL.RSI_FILTER: .*not oversold$/);
    expect(last([...zig, 100], undefined, m()).reasons[0]).toMatch(/^SIGNAL.INSIDE_BANDS: /);
    const m2 = new MeanReversion({ bbPeriod: 20, bbMult: 3, rsiPeriod: 3, rsiOversold: 30, rsiOverbought: 60, exitBand: 'upper' });
    const sig = last([...zig, 100, 100.5, 100.9], undefined, m2);
    expect(sig.action).toBe('sell');
    expect(sig.reasons[0]).toMatch(/^SIGNAL.RSI_OVERBOUGHT: /);
  });
});

describe('registry', () => {
  it('knows its names and defaults; a factory carries name, warm-up and the checked parameters', () => {
    expect(STRATEGY_NAMES).toEqual(['ema_cross_rsi', 'mean_reversion']);
    expect(isStrategyName('mean_reversion')).toBe(true);
    expect(isStrategyName('toString')).toBe(false);
    expect(strategyDefaults('ema_cross_rsi')).toEqual({ fastPeriod: 9, slowPeriod: 21, rsiPeriod: 14, rsiBuyMax: 70 });
    const f = factory('mean_reversion', { exitBand: 'upper' });
    expect({ name: f.name, warmup: f.warmup, params: f.params }).toEqual({
      name: 'mean_reversion',
      warmup: 57,
      params: { bbPeriod: 20, bbMult: 2, rsiPeriod: 14, rsiOversold: 30, rsiOverbought: 70, exitBand: 'upper' },
    });
    expect(f.create()).toBeInstanceOf(MeanReversion);
    expect(factory('ema_cross_rsi', { slowPeriod: 30 }).warmup).toBe(121);
  });

  it.each([
    ['nope', {}, ['strategy: unknown name "nope"; one of ema_cross_rsi, mean_reversion']],
    ['ema_cross_rsi', { fastPeriod: 30, colour: 'red' }, ['colour: not a parameter of ema_cross_rsi', 'fastPeriod (30) must be < slowPeriod (21)']],
    [
      'ema_cross_rsi',
      { rsiPeriod: '14', rsiBuyMax: 101 },
      ['rsiPeriod: must be an integer in [2, 1000], got "14"', 'rsiBuyMax: must be a number in [1, 100], got 101'],
    ],
    [
      'mean_reversion',
      { exitBand: 'top', bbMult: 0, rsiOversold: 80 },
      ['exitBand: must be "middle" or "upper", got "top"', 'bbMult: must be a number in [0.1, 10], got 0', 'rsiOversold (80) must be < rsiOverbought (70)'],
    ],
  ])('%s %j → every problem', (name, params, problems) => {
    expect(createStrategy(name, params)).toEqual({ ok: false, error: problems });
  });

  it('strategyFactory checks any definition the same way (a strategy of your own)', () => {
    const def = strategyDefinition('ema_cross_rsi');
    const mine = { ...def, name: 'my_cross' };
    expect(strategyFactory(mine, { fastPeriod: 0, nope: 1 })).toEqual({
      ok: false,
      error: ['nope: not a parameter of my_cross', 'fastPeriod: must be an integer in [1, 1000], got 0'],
    });
    const ok = strategyFactory(mine, { fastPeriod: 5 });
    expect(ok.ok && ok.value.name).toBe('my_cross');
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
