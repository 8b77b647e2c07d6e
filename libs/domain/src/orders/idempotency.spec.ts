import fc from 'fast-check';
import { GATE_TEXT_RE, IDEMPOTENCY_BUCKET_MS, clientOrderId, idempotencyKey, isGateClientOrderId } from './idempotency';

describe('idempotency key', () => {
  it('is the same inside one bucket and changes at its edge', () => {
    const t = 1_700_000_040_000; // a bucket boundary for 60 s buckets
    expect(idempotencyKey('BTC/USDT', 'buy', t)).toBe(`BTC/USDT:buy:${t / IDEMPOTENCY_BUCKET_MS}`);
    expect(idempotencyKey('BTC/USDT', 'buy', t + 59_999)).toBe(idempotencyKey('BTC/USDT', 'buy', t));
    expect(idempotencyKey('BTC/USDT', 'buy', t + 60_000)).not.toBe(idempotencyKey('BTC/USDT', 'buy', t));
    expect(idempotencyKey('BTC/USDT', 'buy', t - 1)).not.toBe(idempotencyKey('BTC/USDT', 'buy', t));
  });

  it('differs by side, symbol and bucket width', () => {
    const t = 1_700_000_000_000;
    expect(idempotencyKey('BTC/USDT', 'sell', t)).not.toBe(idempotencyKey('BTC/USDT', 'buy', t));
    expect(idempotencyKey('ETH/USDT', 'buy', t)).not.toBe(idempotencyKey('BTC/USDT', 'buy', t));
    expect(idempotencyKey('BTC/USDT', 'buy', t, 5_000)).toBe(`BTC/USDT:buy:${t / 5_000}`);
  });

  it.each([0, -1, 1.5, NaN])('refuses bucket width %p', (b) => {
    expect(() => idempotencyKey('BTC/USDT', 'buy', 0, b)).toThrow(RangeError);
  });

  it('refuses a non-finite time', () => {
    expect(() => idempotencyKey('BTC/USDT', 'buy', NaN)).toThrow(RangeError);
  });
});

describe("client order id (Gate's text rule)", () => {
  it('is readable when it fits', () => {
    expect(clientOrderId('BTC/USDT:buy:28333333')).toBe('t-BTC_USDT-b-28333333');
    expect(clientOrderId('ETH/USDT:sell:28333333')).toBe('t-ETH_USDT-s-28333333');
  });

  it('falls back to a fingerprint for long or odd keys, still within the rule', () => {
    const long = clientOrderId('1000SATS/USDT:buy:1763950000000');
    expect(long).toMatch(GATE_TEXT_RE);
    expect(long.startsWith('t-1000SATS_US.')).toBe(true);
    expect(long.length).toBeLessThanOrEqual(28);
    expect(clientOrderId('A B/C:buy:1')).toMatch(GATE_TEXT_RE);
    expect(clientOrderId('A_B:buy:1')).not.toBe(clientOrderId('A/B:buy:1'));
  });

  it('always fits, is deterministic, and keeps distinct keys apart (property)', () => {
    const key = fc.tuple(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('buy' as const, 'sell' as const), fc.integer({ min: 0, max: 2 ** 45 }));
    fc.assert(
      fc.property(key, key, ([s1, d1, t1], [s2, d2, t2]) => {
        const k1 = idempotencyKey(s1, d1, t1, 1);
        const k2 = idempotencyKey(s2, d2, t2, 1);
        const c1 = clientOrderId(k1);
        expect(isGateClientOrderId(c1)).toBe(true);
        expect(c1.length).toBeLessThanOrEqual(28); // ccxt's gate client counts the t- prefix
        expect(clientOrderId(k1)).toBe(c1);
        if (k1 !== k2) expect(clientOrderId(k2)).not.toBe(c1);
      }),
    );
  });

  it('is the id of its definition by regular expressions, for keys made of the canonical pieces in any order (property)', () => {
    // The rule as first written (before the one-pass path for canonical keys): the reference.
    const canonical = /^[A-Z0-9]+\/[A-Z0-9]+:(buy|sell):\d+$/;
    const byRegex = (k: string): string | null => {
      const body = `t-${k
        .replace(/\//g, '_')
        .replace(/:buy:/, '-b-')
        .replace(/:sell:/, '-s-')}`;
      return canonical.test(k) && GATE_TEXT_RE.test(body) ? body : null;
    };
    const piece = fc.constantFrom('BTC', 'USDT', '1000SATS', 'A', '9', 'b', '/', ':', 'buy', 'sell', ':buy:', ':sell:', '0', '123456789', '\n', ' ', '_', '.');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), (pieces) => {
        const k = pieces.join('');
        const readable = byRegex(k);
        if (readable !== null) expect(clientOrderId(k)).toBe(readable);
        else expect(clientOrderId(k)).toContain('.');
      }),
      { numRuns: 2000 },
    );
    expect(clientOrderId('BTC/USDT:buy:1\n')).toContain('.');
    expect(clientOrderId('1000SATS/USDT:sell:17632000000000')).toContain('.');
  });

  it.each(['t-', 'x-abc', 't-' + 'a'.repeat(29), 't-a b'])('%j is not a Gate text', (s) => {
    expect(isGateClientOrderId(s)).toBe(false);
  });
});
