import type { Side } from '../market/types';

/**
 * Default width of the idempotency time bucket: one intent per (symbol, side) per minute. The
 * application takes IDEMPOTENCY_BUCKET_MS from its settings and passes it in.
 */
export const IDEMPOTENCY_BUCKET_MS = 60_000;

/**
 * The idempotency key of a trade intent: f(symbol, side, floor(ts / bucketMs)). Two evaluations
 * of the same signal inside one bucket give the same key, so the database's unique constraint
 * refuses the second order before it is sent (docs/lessons.md #3).
 */
export function idempotencyKey(symbol: string, side: Side, ts: number, bucketMs: number = IDEMPOTENCY_BUCKET_MS): string {
  if (!Number.isInteger(bucketMs) || bucketMs <= 0) throw new RangeError(`bucketMs must be a positive integer, got ${bucketMs}`);
  if (!Number.isFinite(ts)) throw new RangeError(`ts must be finite, got ${ts}`);
  return `${symbol}:${side}:${Math.floor(ts / bucketMs)}`;
}

/**
 * A client order id that both Gate and ccxt accept: "t-" + 1–26 of [0-9A-Za-z_.-], 28 characters
 * in all. Gate itself allows 28 after the prefix, but ccxt's gate.createOrder refuses any
 * clientOrderId longer than 28 characters counting the "t-", before the request is sent.
 */
export const GATE_TEXT_RE = /^t-[0-9A-Za-z_.-]{1,26}$/;

export function isGateClientOrderId(s: string): boolean {
  return GATE_TEXT_RE.test(s);
}

/**
 * Longest client order id we derive, "t-" included. Gate allows "t-" + 28, but ccxt's gate client
 * (4.5.x createOrder) refuses a `text` longer than 28 characters counting the prefix, so 28 in all.
 */
export const MAX_CLIENT_ID_CHARS = 28;

const CANONICAL_KEY_RE = /^[A-Z0-9]+\/[A-Z0-9]+:(buy|sell):\d+$/;

/** FNV-1a (32 bit) of a string, from a given offset basis: a stable, dependency-free fingerprint. */
function fnv1a(s: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A client order id that fits Gate's `text` rule, derived from the idempotency key alone (so a
 * restart derives the same id and can look the order up). Readable when it fits —
 * `t-BTC_USDT-b-29123456` — otherwise a shortened readable part plus a 64-bit fingerprint of the
 * whole key, which keeps distinct keys apart.
 */
export function clientOrderId(key: string): string {
  // The usual key (what idempotencyKey makes) in one pass over its characters; any other key, or one
  // too long to be readable, by the rule below (the same id: see readableCanonical).
  const fast = readableCanonical(key);
  if (fast !== null && fast.length <= MAX_CLIENT_ID_CHARS) return fast;
  // String patterns, not regular expressions: the same first-occurrence (and every-'/') replacements, cheaper per order.
  const readable = key.replaceAll('/', '_').replace(':buy:', '-b-').replace(':sell:', '-s-');
  // Only a canonical key maps readably (that mapping is one-to-one, and never contains a "."),
  // so a readable id can never equal another key's id.
  const body = `t-${readable}`;
  if (CANONICAL_KEY_RE.test(key) && GATE_TEXT_RE.test(body)) return body;
  const hash = fnv1a(key, 0x811c9dc5).toString(36).padStart(7, '0') + fnv1a(key, 0x050c5d1f).toString(36).padStart(7, '0');
  return `t-${readable.replace(/[^0-9A-Za-z_.-]/g, '').slice(0, MAX_CLIENT_ID_CHARS - 17)}.${hash}`;
}

const isUpperOrDigit = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * For a key CANONICAL_KEY_RE matches (`BASE/QUOTE:buy|sell:BUCKET`), the readable id clientOrderId
 * derives from it (`t-BASE_QUOTE-b-BUCKET`: its one '/' and its one side mark replaced), found
 * without regular expressions; null for any other key. Its characters are all Gate's, so it is Gate's
 * `text` exactly when it is at most MAX_CLIENT_ID_CHARS long.
 */
function readableCanonical(key: string): string | null {
  const n = key.length;
  let i = 0;
  while (i < n && isUpperOrDigit(key.charCodeAt(i))) i++;
  if (i === 0 || i >= n || key.charCodeAt(i) !== 47 /* '/' */) return null;
  const slash = i++;
  while (i < n && isUpperOrDigit(key.charCodeAt(i))) i++;
  if (i === slash + 1 || i >= n || key.charCodeAt(i) !== 58 /* ':' */) return null;
  const colon = i;
  let mark: string;
  if (key.startsWith('buy:', colon + 1)) {
    mark = '-b-';
    i = colon + 5;
  } else if (key.startsWith('sell:', colon + 1)) {
    mark = '-s-';
    i = colon + 6;
  } else return null;
  const bucket = i;
  while (i < n && isDigit(key.charCodeAt(i))) i++;
  if (i === bucket || i !== n) return null;
  return `t-${key.slice(0, slash)}_${key.slice(slash + 1, colon)}${mark}${key.slice(bucket)}`;
}
