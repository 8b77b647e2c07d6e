import fc from 'fast-check';
import { clientOrderId, fitsClientIdFormat, validateClientIdFormat, type ClientIdFormat } from './client-order-id';
import { idempotencyKey } from './idempotency';

/** A format shaped like a real venue's (a prefix, 28 characters in all, [0-9A-Za-z_.-]). */
const PREFIXED: ClientIdFormat = { prefix: 't-', maxLength: 28, bodyChar: /[0-9A-Za-z_.-]/ };
/** A venue with no prefix, a shorter limit and no "." or "_". */
const PLAIN: ClientIdFormat = { prefix: '', maxLength: 20, bodyChar: /[0-9A-Za-z-]/ };

describe('client order id in a venue-declared format', () => {
  it('is readable when it fits', () => {
    expect(clientOrderId('BTC/USDT:buy:28333333', PREFIXED)).toBe('t-BTC_USDT-b-28333333');
    expect(clientOrderId('ETH/USDT:sell:28333333', PREFIXED)).toBe('t-ETH_USDT-s-28333333');
  });

  it('falls back to a fingerprint for long or odd keys, still within the format', () => {
    const long = clientOrderId('1000SATS/USDT:buy:1763950000000', PREFIXED);
    // The exact ids matter: a restart derives them again to look the orders up. These are what the
    // Gate-only derivation gave before venues declared their format.
    expect(long).toBe('t-1000SATS_US.006rq2l1o0we0z');
    expect(clientOrderId('A B/C:buy:1', PREFIXED)).toBe('t-AB_C-b-1.1fcny9n04hvk4h');
    expect(clientOrderId('ÄÖ😀/U:buy:5', PREFIXED)).toBe('t-_U-b-5.10kymgd03m6nq3');
    expect(fitsClientIdFormat(long, PREFIXED)).toBe(true);
    expect(fitsClientIdFormat(clientOrderId('A B/C:buy:1', PREFIXED), PREFIXED)).toBe(true);
    expect(clientOrderId('A_B:buy:1', PREFIXED)).not.toBe(clientOrderId('A/B:buy:1', PREFIXED));
  });

  it('honours a format without prefix, "." or "_"', () => {
    const id = clientOrderId('BTC/USDT:buy:28333333', PLAIN);
    expect(fitsClientIdFormat(id, PLAIN)).toBe(true);
    expect(id).not.toMatch(/[._]/);
    expect(id.length).toBeLessThanOrEqual(20);
  });

  it.each([PREFIXED, PLAIN])('always fits, is deterministic, and keeps distinct keys apart (property, %#)', (f) => {
    const key = fc.tuple(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('buy' as const, 'sell' as const), fc.integer({ min: 0, max: 2 ** 45 }));
    fc.assert(
      fc.property(key, key, ([s1, d1, t1], [s2, d2, t2]) => {
        const k1 = idempotencyKey(s1, d1, t1, 1);
        const k2 = idempotencyKey(s2, d2, t2, 1);
        const c1 = clientOrderId(k1, f);
        expect(fitsClientIdFormat(c1, f)).toBe(true);
        expect(c1.length).toBeLessThanOrEqual(f.maxLength);
        expect(clientOrderId(k1, f)).toBe(c1);
        if (k1 !== k2) expect(clientOrderId(k2, f)).not.toBe(c1);
      }),
    );
  });

  it.each(['t-', 'x-abc', 't-' + 'a'.repeat(27), 't-a b'])('%j is not in the prefixed format', (s) => {
    expect(fitsClientIdFormat(s, PREFIXED)).toBe(false);
  });

  it('refuses a format the derivation cannot honour, naming every problem', () => {
    expect(validateClientIdFormat({ prefix: 'abc', maxLength: 10, bodyChar: /[A-Z]/ })).toEqual([
      'maxLength must be an integer >= prefix + 16, got 10',
      'bodyChar must allow [0-9a-z]',
    ]);
    expect(() => clientOrderId('BTC/USDT:buy:1', { prefix: '', maxLength: 8, bodyChar: /[0-9a-z]/ })).toThrow(RangeError);
  });

  it('is the id of its definition by regular expressions, for keys made of the canonical pieces in any order (property)', () => {
    // The rule as first written (before the one-pass path for canonical keys): the reference.
    const canonical = /^[A-Z0-9]+\/[A-Z0-9]+:(buy|sell):\d+$/;
    const byRegex = (k: string, f: ClientIdFormat): string | null => {
      const body = `${f.prefix}${k
        .replace(/\//g, '_')
        .replace(/:buy:/, '-b-')
        .replace(/:sell:/, '-s-')}`;
      return canonical.test(k) && fitsClientIdFormat(body, f) ? body : null;
    };
    const piece = fc.constantFrom('BTC', 'USDT', '1000SATS', 'A', '9', 'b', '/', ':', 'buy', 'sell', ':buy:', ':sell:', '0', '123456789', '\n', ' ', '_', '.');
    for (const f of [PREFIXED, PLAIN])
      fc.assert(
        fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), (pieces) => {
          const k = pieces.join('');
          const readable = byRegex(k, f);
          if (readable !== null) expect(clientOrderId(k, f)).toBe(readable);
          else expect(fitsClientIdFormat(clientOrderId(k, f), f)).toBe(true);
        }),
        { numRuns: 2000 },
      );
    expect(clientOrderId('1000SATS/USDT:sell:17632000000000', PREFIXED)).toContain('.');
  });
});
