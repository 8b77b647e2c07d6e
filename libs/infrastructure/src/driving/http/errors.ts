import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '@cab/application';
import { errorText } from '@cab/application';

export type HttpErrorCode =
  | 'HTTP.BAD_REQUEST'
  | 'HTTP.UNAUTHORIZED'
  | 'HTTP.FORBIDDEN'
  | 'HTTP.TOO_MANY_REQUESTS'
  | 'HTTP.NOT_FOUND'
  | 'HTTP.PAYLOAD_TOO_LARGE'
  | 'HTTP.INTERNAL'
  | 'ORCHESTRATOR.START_FAILED'
  | 'ORCHESTRATOR.STOP_FAILED'
  /** TradingControl's refusals (CONTROL.NO_POSITION…), passed through. */
  | `CONTROL.${string}`;

/** Every error body has one shape: { error: { code, message, requestId } }. Never a stack. */
export function sendError(res: Response, status: number, code: HttpErrorCode, message: string): void {
  res.status(status).json({ error: { code, message, requestId: res.locals['requestId'] ?? null } });
}

/** A user's bad input found by a route: thrown, and answered with 400. */
export class BadRequest extends Error {}

/**
 * Body parser failures (malformed JSON, too large) are the client's mistake: 4xx. Anything else
 * is a bug: logged with its stack, answered 500 with a generic message.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (err instanceof BadRequest) return sendError(res, 400, 'HTTP.BAD_REQUEST', err.message);
    if (e.type === 'entity.too.large') return sendError(res, 413, 'HTTP.PAYLOAD_TOO_LARGE', 'request body too large');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendError(res, e.status, 'HTTP.BAD_REQUEST', e.type === 'entity.parse.failed' ? 'malformed JSON body' : 'bad request');
    }
    logger.error('http request failed', { method: req.method, path: req.path, error: errorText(err), stack: err instanceof Error ? err.stack : undefined });
    return sendError(res, 500, 'HTTP.INTERNAL', 'internal error (logged)');
  };
}
