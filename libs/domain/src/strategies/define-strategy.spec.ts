import { defineStrategy, isStrategyDefinition } from './define-strategy';
import { EMA_CROSS_RSI } from './ema-cross-rsi';
import { MEAN_REVERSION } from './mean-reversion';
import { strategyFactory } from './registry';
import { lazySignal } from './signal';
import type { Strategy } from './types';

/** A strategy that counts candles: enough to see that the checked parameters reach create(). */
function counter(p: { readonly period: number; readonly mode: string; readonly strict: boolean; readonly level: number }): Strategy {
  let n = 0;
  return {
    name: 'counter',
    warmup: p.period,
    update: () => void n++,
    signal: () => lazySignal(n >= p.period && p.strict ? 'buy' : 'hold', () => [`TEST.COUNT: ${n} ${p.mode} ${p.level}`]),
    reset: () => void (n = 0),
  };
}

const COUNTER = defineStrategy({
  name: 'counter',
  description: 'counts',
  parameters: {
    period: { type: 'integer', min: 2, max: 50, default: 5 },
    level: { type: 'number', min: 0.5, max: 1.5, default: 1 },
    mode: { type: 'choice', options: ['a', 'b', 'c'], default: 'a' },
    strict: { type: 'boolean', default: true },
  },
  check: (p) => (p.period > p.level * 10 ? ['period: must be > 10 × level'] : []),
  create: counter,
});

describe('defineStrategy', () => {
  it('generates the defaults and a factory whose warm-up and parameters come from the checked values', () => {
    expect(COUNTER.defaults).toEqual({ period: 5, level: 1, mode: 'a', strict: true });
    const f = strategyFactory(COUNTER, { period: 7, mode: 'c' });
    expect(f.ok && f.value.warmup).toBe(7);
    expect(f.ok && f.value.params).toEqual({ period: 7, level: 1, mode: 'c', strict: true });
    expect(f.ok && f.value.parameters).toBe(COUNTER.parameters);
    const s = f.ok ? f.value.create() : null;
    for (let i = 0; i < 7; i++) s!.update({ ts: i, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    expect(s!.signal({ symbol: 'X/Y', now: 7, timeframeMs: 1 }).reasons).toEqual(['TEST.COUNT: 7 c 1']);
  });

  it('lists every problem at once: bounds, types, choices, unknown names and the cross check', () => {
    const f = strategyFactory(COUNTER, { period: 51, level: '1', mode: 'd', strict: 'yes', colour: 'red' });
    expect(!f.ok && f.error).toEqual([
      'colour: not a parameter of counter',
      'period: must be an integer in [2, 50], got 51',
      'level: must be a number in [0.5, 1.5], got "1"',
      'mode: must be one of "a", "b", "c", got "d"',
      'strict: must be true or false, got "yes"',
    ]);
    const cross = strategyFactory(COUNTER, { period: 20 });
    expect(!cross.ok && cross.error).toEqual(['period: must be > 10 × level']);
  });

  it('refuses a definition that contradicts itself, when the module defines it', () => {
    expect(() =>
      defineStrategy({
        name: 'bad name',
        parameters: {
          a: { type: 'integer', min: 5, max: 1, default: 3 },
          b: { type: 'number', min: 0, max: 1, default: 2 },
          c: { type: 'choice', options: ['x'], default: 'y' },
        },
        create: counter as never,
      }),
    ).toThrow(
      'defineStrategy("bad name"): name: expected letters, digits, _ or -, got "bad name"; a: bounds [5, 1] are not integers in order; b: default 2 is outside [0, 1]; c: default "y" is not one of its options',
    );
  });

  it('defines the built-ins too: their bounds are readable', () => {
    expect(EMA_CROSS_RSI.parameters['fastPeriod']).toMatchObject({ type: 'integer', min: 1, max: 1000, default: 9 });
    expect(MEAN_REVERSION.parameters['exitBand']).toMatchObject({ type: 'choice', options: ['middle', 'upper'] });
    expect([EMA_CROSS_RSI, MEAN_REVERSION, COUNTER].every(isStrategyDefinition)).toBe(true);
    expect([null, {}, { name: 'x', defaults: {}, validate: 1, create: () => null }, 'ema_cross_rsi'].some(isStrategyDefinition)).toBe(false);
  });
});
