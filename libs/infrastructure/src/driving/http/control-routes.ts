import type { ControlError, TradingControl } from '@cab/application';
import type { RequestHandler, Response, Router } from 'express';
import express from 'express';
import { BadRequest, sendError } from './errors';
import { actorOf } from './session-auth';

/** How a refusal maps to HTTP: the caller's mistake (4xx) or the venue's failure (502). */
function statusOf(e: ControlError): number {
  if (e.code === 'CONTROL.UNKNOWN_SYMBOL' || e.code === 'CONTROL.UNKNOWN_ORDER') return 404;
  if (e.code === 'CONTROL.FAILED') return 502;
  return 409;
}

function answer(res: Response, r: { ok: true; value: unknown } | { ok: false; error: ControlError }, body: () => unknown): void {
  if (!r.ok) return sendError(res, statusOf(r.error), r.error.code as `CONTROL.${string}`, r.error.message);
  res.json({ ok: true, ...(r.value === undefined ? {} : { result: r.value }), status: body() });
}

function field(body: unknown, name: string, re: RegExp): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof v !== 'string' || !re.test(v)) throw new BadRequest(`body: expected {"${name}": "…"} (${re.source})`);
  return v;
}

/**
 * POST /api/control/{start,stop,stop-entries,resume,force-exit,cancel}: TradingControl over HTTP,
 * acting as the authorised actor (the session's label or "bearer token holder", never the token).
 * Answers the orchestrator's status after the action, or the refusal as 4xx/502 JSON.
 */
export function controlRoutes(control: TradingControl, auth: RequestHandler): Router {
  const r = express.Router();
  const status = () => control.status();
  r.post('/api/control/start', auth, async (_req, res) => answer(res, await control.start(actorOf(res)), status));
  r.post('/api/control/stop', auth, async (_req, res) => answer(res, await control.stop(actorOf(res)), status));
  r.post('/api/control/stop-entries', auth, async (req, res) => {
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > 200)) throw new BadRequest('reason: expected a short text');
    answer(res, await control.stopEntries(actorOf(res), reason), status);
  });
  r.post('/api/control/resume', auth, async (_req, res) => answer(res, await control.resume(actorOf(res)), status));
  r.post('/api/control/force-exit', auth, async (req, res) => {
    const symbol = field(req.body, 'symbol', /^[A-Za-z0-9]{1,16}\/[A-Za-z0-9]{1,16}$/).toUpperCase();
    answer(res, await control.forceExit(actorOf(res), symbol), status);
  });
  r.post('/api/control/cancel', auth, async (req, res) => {
    const clientOrderId = field(req.body, 'clientOrderId', /^[A-Za-z0-9_.:-]{1,64}$/);
    answer(res, await control.cancelOrder(actorOf(res), clientOrderId), status);
  });
  return r;
}
