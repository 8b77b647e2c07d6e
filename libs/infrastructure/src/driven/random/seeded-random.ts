/**
 * A seeded pseudo-random generator (mulberry32): the same seed draws the same candidates on every
 * machine, so `cab optimize --seed S` (docs/optimize.md) and a synthetic market are reproducible.
 * Not for anything secret.
 * Hand-written because the runtime dependencies carry no seedable generator (pure-rand is only a
 * dev dependency of fast-check) and six lines do not justify a new package.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
