import type { ControlActor } from '@cab/application';
import type { Request, RequestHandler, Response, Router } from 'express';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import { tokenMatches } from './bearer-auth';
import { sendError } from './errors';
import type { SessionStore } from './sessions';

export const SESSION_COOKIE = 'cab_session';
/**
 * The custom header a cookie-authorised state change must carry. A cross-site form or image cannot
 * set it and a cross-site fetch with it needs a CORS preflight this server never grants, so with
 * SameSite=Strict it makes those requests CSRF-safe (docs/lessons.md #14: the control API is the
 * bot's most dangerous surface).
 */
export const CSRF_HEADER = 'x-cab-csrf';

export interface AuthOptions {
  /** API_TOKEN; null = open (paper on loopback), as before the dashboard. */
  token: string | null;
  sessions: SessionStore;
  /** Wrong logins allowed per client per window before 429 (default 10 per 15 min). */
  loginLimit?: { max: number; windowMs: number };
}

const BEARER_RE = /^Bearer\s+(\S+)\s*$/i;

/** Who a request acts as, set by `authorize` on res.locals.actor; never the token itself. */
export function actorOf(res: Response): ControlActor {
  return (res.locals['actor'] as ControlActor | undefined) ?? { via: 'http', who: 'unknown' };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An Origin, when the browser sends one, must be this server: a page elsewhere never drives the bot.
 * Host only, not the scheme: behind a TLS proxy the browser's origin is https while this server sees http.
 */
function crossOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host !== (req.get('host') ?? '');
  } catch {
    return true; // "null" (a sandboxed frame, a file) or garbage: not us
  }
}

/**
 * The one gate of /api/* and /orchestrator/*: a valid `Authorization: Bearer` token OR a live
 * session cookie; without API_TOKEN everything is open (refused in live mode elsewhere). State
 * changes are refused from another origin, and a cookie-authorised one must carry CSRF_HEADER.
 */
export function authorize(o: AuthOptions): RequestHandler {
  return (req, res, next) => {
    const changing = STATE_CHANGING.has(req.method);
    if (changing && crossOrigin(req)) return sendError(res, 403, 'HTTP.FORBIDDEN', 'cross-origin request refused');
    const m = BEARER_RE.exec(req.get('authorization') ?? '');
    if (o.token === null) {
      res.locals['actor'] = { via: req.get(CSRF_HEADER) ? 'dashboard' : 'http', who: 'open (no API_TOKEN)' } satisfies ControlActor;
      return next();
    }
    if (m && tokenMatches(m[1]!, o.token)) {
      res.locals['actor'] = { via: 'http', who: 'bearer token holder' } satisfies ControlActor;
      return next();
    }
    const session = o.sessions.get(cookieOf(req));
    if (session && !m) {
      if (changing && !req.get(CSRF_HEADER)) return sendError(res, 403, 'HTTP.FORBIDDEN', `a state change from the dashboard needs the ${CSRF_HEADER} header`);
      res.locals['actor'] = { via: 'dashboard', who: session.label } satisfies ControlActor;
      res.locals['session'] = session;
      return next();
    }
    res.set('WWW-Authenticate', 'Bearer realm="crypto-ai-bot"');
    return sendError(res, 401, 'HTTP.UNAUTHORIZED', m ? 'wrong bearer token' : 'log in (POST /api/session) or send "Authorization: Bearer <token>"');
  };
}

function cookieOf(req: Request): string | undefined {
  const v = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof v === 'string' ? v : undefined;
}

/**
 * POST /api/session {token} → a session cookie (httpOnly, SameSite=Strict, Secure over https, with
 * an expiry); DELETE /api/session logs out; GET /api/session says whether this browser is logged in.
 * Wrong tokens are rate-limited per client (429 JSON); right ones do not count.
 */
export function sessionRoutes(o: AuthOptions): Router {
  const r = express.Router();
  const limit = o.loginLimit ?? { max: 10, windowMs: 15 * 60_000 };
  const limiter = rateLimit({
    windowMs: limit.windowMs,
    limit: limit.max,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => sendError(res, 429, 'HTTP.TOO_MANY_REQUESTS', 'too many wrong logins: wait and try again'),
  });

  r.get('/api/session', (req, res) => {
    const session = o.sessions.get(cookieOf(req));
    res.json({
      required: o.token !== null,
      authenticated: o.token === null || session !== null,
      ...(session ? { label: session.label, expiresAt: session.expiresAt } : {}),
    });
  });

  r.post('/api/session', limiter, (req, res) => {
    if (crossOrigin(req)) return sendError(res, 403, 'HTTP.FORBIDDEN', 'cross-origin request refused');
    const token = (req.body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 512)
      return sendError(res, 400, 'HTTP.BAD_REQUEST', 'body: expected {"token": "<API_TOKEN>"}');
    if (o.token === null) return res.json({ required: false, authenticated: true });
    if (!tokenMatches(token, o.token)) return sendError(res, 401, 'HTTP.UNAUTHORIZED', 'wrong token');
    o.sessions.delete(cookieOf(req));
    const s = o.sessions.create();
    res.cookie(SESSION_COOKIE, s.id, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', expires: new Date(s.expiresAt) });
    return res.json({ required: true, authenticated: true, label: s.label, expiresAt: s.expiresAt });
  });

  r.delete('/api/session', (req, res) => {
    if (crossOrigin(req)) return sendError(res, 403, 'HTTP.FORBIDDEN', 'cross-origin request refused');
    o.sessions.delete(cookieOf(req));
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
    res.json({ required: o.token !== null, authenticated: o.token === null });
  });
  return r;
}
