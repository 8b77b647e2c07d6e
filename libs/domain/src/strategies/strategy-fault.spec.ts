import { guardedFactory, StrategyFault } from './strategy-fault';
import { lazySignal } from './signal';
import type { Signal, StrategyFactory } from './types';

/** A strategy that throws what it is told to, where it is told to. */
function faulty(when: { update?: unknown; signal?: unknown; answer?: unknown }): StrategyFactory {
  return {
    name: 'faulty',
    warmup: 1,
    params: {},
    create: () => ({
      name: 'inner',
      warmup: 1,
      update: (c) => {
        if (when.update !== undefined && c.ts === 120_000) throw when.update;
      },
      signal: () => {
        if (when.signal !== undefined) throw when.signal;
        return (when.answer ?? lazySignal('hold', () => ['TEST.OK'])) as Signal;
      },
      reset: () => undefined,
    }),
  };
}

const candle = (ts: number) => ({ ts, open: 1, high: 1, low: 1, close: 1, volume: 1 });
const ctx = { symbol: 'BTC/USDT', now: 200_000, timeframeMs: 60_000 };

describe('guardedFactory', () => {
  it('passes a sound strategy through: same warm-up, same signal', () => {
    const s = guardedFactory(faulty({})).create();
    s.update(candle(60_000));
    expect(s.warmup).toBe(1);
    expect(s.name).toBe('faulty');
    expect(s.signal(ctx).reasons).toEqual(['TEST.OK']);
  });

  it('names the strategy, the call and the candle when update throws', () => {
    const s = guardedFactory(faulty({ update: new TypeError('x is undefined\n    at frame') })).create();
    s.update(candle(60_000));
    expect(() => s.update(candle(120_000))).toThrow(new StrategyFault('faulty', 'update', 120_000, 'x is undefined'));
    expect(() => s.update(candle(120_000))).toThrow('strategy faulty threw in update on the candle of 1970-01-01T00:02:00.000Z: x is undefined');
  });

  it('turns a thrown non-Error and a malformed answer of signal into a fault on the last candle fed', () => {
    const s = guardedFactory(faulty({ signal: 'boom' })).create();
    s.update(candle(60_000));
    expect(() => s.signal(ctx)).toThrow('strategy faulty threw in signal on the candle of 1970-01-01T00:01:00.000Z: "boom"');
    const t = guardedFactory(faulty({ answer: { action: 'short' } })).create();
    expect(() => t.signal(ctx)).toThrow('strategy faulty threw in signal: returned {"action":"short"}, not a signal with action buy, sell or hold');
  });
});

describe('guardedFactory: reset', () => {
  it('names reset and the last candle fed when reset throws, and keeps the factory description', () => {
    const inner: StrategyFactory = {
      name: 'r',
      warmup: 3,
      params: { a: 1 },
      parameters: { a: { type: 'integer', min: 0, max: 2, default: 1 } },
      create: () => ({
        name: 'r',
        warmup: 3,
        update: () => undefined,
        signal: () => lazySignal('hold', () => []),
        reset: () => {
          throw { code: 42 };
        },
      }),
    };
    const g = guardedFactory(inner);
    expect([g.name, g.warmup, g.params, g.parameters]).toEqual(['r', 3, { a: 1 }, inner.parameters]);
    const s = g.create();
    s.update(candle(60_000));
    expect(() => s.reset()).toThrow('strategy r threw in reset on the candle of 1970-01-01T00:01:00.000Z: {"code":42}');
  });
});
