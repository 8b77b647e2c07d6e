import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../testing';
import { OptimizeArgsError } from './optimize-errors';
import { gridCandidates, MAX_GRID, parseSearchSpace, randomCandidates, readSpaceArgument } from './search-space';
import { lookUpStrategy } from './strategy-lookup';

const ema = lookUpStrategy('ema_cross_rsi');
const problems = (raw: unknown) => {
  try {
    parseSearchSpace(raw, ema, {});
  } catch (e) {
    expect(e).toBeInstanceOf(OptimizeArgsError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('the search space (--space)', () => {
  it('reads JSON text or @file.json, and says which when it is not JSON', () => {
    const { dir, cleanup } = tempDir('cab-space-');
    try {
      const f = path.join(dir, 'space.json');
      fs.writeFileSync(f, '{"fastPeriod":{"choices":[5]}}');
      expect(readSpaceArgument(`@${f}`)).toEqual({ fastPeriod: { choices: [5] } });
      expect(() => readSpaceArgument('{fast')).toThrow('--space: not valid JSON: {fast');
      fs.writeFileSync(f, '{oops');
      expect(() => readSpaceArgument(`@${f}`)).toThrow(`--space: not valid JSON in ${f}`);
      expect(() => readSpaceArgument(`@${path.join(dir, 'none.json')}`)).toThrow(/--space: cannot read .*none\.json \(ENOENT\)/);
    } finally {
      cleanup();
    }
  });

  it('turns ranges and choices into values, sorted by name, and counts the grid', () => {
    const s = parseSearchSpace({ rsiPeriod: { choices: [21, 13, 21] }, bbMult: { min: 1.5, max: 2, step: 0.1 } }, lookUpStrategy('mean_reversion'), {});
    expect(s.names).toEqual(['bbMult', 'rsiPeriod']);
    // 1.5 + 3 × 0.1 is 1.8, not 1.8000000000000003; duplicated choices count once.
    expect(s.values).toEqual([
      [1.5, 1.6, 1.7, 1.8, 1.9, 2],
      [21, 13],
    ]);
    expect(s.size).toBe(12);
  });

  it('lists every problem at once: unknown parameter, bad shape, bounds outside the strategy’s', () => {
    const msg = problems({
      fastPeriod: { min: 0, max: 5, step: 1 },
      rsiBuyMax: { min: 50, max: 150, step: 50 },
      slowPeriod: { min: 30, max: 10, step: 1 },
      rsiPeriod: { from: 1 },
      nope: { choices: [1] },
    });
    expect(msg.split('\n')).toEqual([
      "--space: outside ema_cross_rsi's bounds: fastPeriod: must be an integer in [1, 1000], got 0",
      '--space: nope: not a parameter of ema_cross_rsi (its parameters: fastPeriod, slowPeriod, rsiPeriod, rsiBuyMax)',
      "--space: outside ema_cross_rsi's bounds: rsiBuyMax: must be a number in [1, 100], got 150",
      '--space: rsiPeriod: expected exactly {"min","max","step"} or {"choices"}, got keys from',
      '--space: slowPeriod: needs min ≤ max and step > 0, got min 30, max 10, step 1',
    ]);
    expect(problems([1])).toMatch(/expected a JSON object/);
    expect(problems({})).toMatch(/name at least one parameter/);
    expect(problems({ rsiPeriod: { choices: [] } })).toMatch(/choices must be a non-empty array/);
    expect(problems({ rsiPeriod: { choices: [7, 1] } })).toMatch(/rsiPeriod: must be an integer in \[2, 1000\], got 1/);
  });

  it('a grid is every combination in a fixed order; a too-large one is refused', () => {
    const s = parseSearchSpace({ fastPeriod: { min: 5, max: 7, step: 1 }, rsiBuyMax: { min: 60, max: 70.5, step: 0.5 } }, ema, {});
    expect(s.values[1]).toHaveLength(22);
    expect(s.values[1]?.slice(0, 3)).toEqual([60, 60.5, 61]);
    const g = gridCandidates(s);
    expect(g).toHaveLength(3 * 22);
    expect(g[0]).toEqual({ fastPeriod: 5, rsiBuyMax: 60 });
    expect(g[1]).toEqual({ fastPeriod: 5, rsiBuyMax: 60.5 });
    const big = parseSearchSpace({ fastPeriod: { min: 1, max: 400, step: 1 }, slowPeriod: { min: 2, max: 400, step: 1 } }, ema, {});
    expect(big.size).toBeGreaterThan(MAX_GRID);
    expect(() => gridCandidates(big)).toThrow(/use --method random/);
  });

  it('random draws are distinct, reproducible for a seed, and capped by the grid', () => {
    const s = parseSearchSpace({ fastPeriod: { min: 1, max: 20, step: 1 }, slowPeriod: { min: 21, max: 60, step: 1 } }, ema, {});
    const a = randomCandidates(s, 50, 42);
    expect(a).toHaveLength(50);
    expect(new Set(a.map((p) => JSON.stringify(p))).size).toBe(50);
    expect(randomCandidates(s, 50, 42)).toEqual(a);
    expect(randomCandidates(s, 50, 43)).not.toEqual(a);
    const tiny = parseSearchSpace({ fastPeriod: { choices: [3, 5] } }, ema, {});
    expect(randomCandidates(tiny, 10, 1)).toHaveLength(2);
  });
});
