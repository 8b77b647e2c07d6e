import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendError } from './errors';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Compares in constant time. Hashing both sides first gives two buffers of equal length, so
 * neither the comparison time nor a length check tells an attacker anything about the token.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** `Authorization: Bearer <token>` or a 401 JSON; no token configured = open (refused in live mode). */
export function bearerAuth(token: string | null): RequestHandler {
  return (req, res, next) => {
    if (token === null) return next();
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m && tokenMatches(m[1]!, token)) return next();
    res.set('WWW-Authenticate', 'Bearer realm="crypto-ai-bot"');
    return sendError(res, 401, 'HTTP.UNAUTHORIZED', m ? 'wrong bearer token' : 'missing "Authorization: Bearer <token>" header');
  };
}
