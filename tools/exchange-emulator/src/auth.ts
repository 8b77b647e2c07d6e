import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { GateError } from './gate-error';

export interface SignedRequest {
  method: string;
  /** Path after the host, e.g. "/api/v4/spot/orders". */
  fullPath: string;
  /** The URL's query string as sent (may be percent-encoded). */
  rawQuery: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Gate's v4 signature: HMAC-SHA512 over method, path, un-encoded query, SHA-512 of body, timestamp. */
export function gateSignature(secret: string, method: string, fullPath: string, query: string, body: string, timestamp: string): string {
  const bodyHash = createHash('sha512').update(body).digest('hex');
  const payload = [method.toUpperCase(), fullPath, query, bodyHash, timestamp].join('\n');
  return createHmac('sha512', secret).update(payload).digest('hex');
}

const header = (h: SignedRequest['headers'], name: string): string | undefined => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Throws Gate's 401 errors (labels ccxt maps to AuthenticationError) unless the request is signed right. */
export function verifySignature(req: SignedRequest, key: string, secret: string, nowMs: number, maxSkewSec = 60): void {
  const k = header(req.headers, 'KEY');
  const ts = header(req.headers, 'Timestamp');
  const sign = header(req.headers, 'SIGN');
  if (!k || !ts || !sign) throw new GateError(401, 'MISSING_REQUIRED_HEADER', 'Missing required header: KEY, Timestamp or SIGN');
  if (k !== key) throw new GateError(401, 'INVALID_KEY', 'Invalid key provided');
  const t = Number(ts);
  if (!Number.isFinite(t) || Math.abs(nowMs / 1000 - t) > maxSkewSec)
    throw new GateError(401, 'REQUEST_EXPIRED', `Request Timestamp is far from the server time (${ts})`);
  const query = safeDecode(req.rawQuery);
  const expected = gateSignature(secret, req.method, req.fullPath, query, req.body, ts);
  const a = Buffer.from(expected);
  const b = Buffer.from(sign);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new GateError(401, 'INVALID_SIGNATURE', 'Signature mismatch');
}

function safeDecode(q: string): string {
  try {
    return decodeURIComponent(q);
  } catch {
    return q;
  }
}
