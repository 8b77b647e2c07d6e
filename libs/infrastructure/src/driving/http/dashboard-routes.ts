import type { HealthReport, TradingControl } from '@cab/application';
import type { Clock } from '@cab/domain';
import type { RequestHandler, Router } from 'express';
import express from 'express';
import type { DashboardReadModels, HaltView } from './dashboard-read-models';
import { sendError } from './errors';
import type { EventStream } from './event-stream';
import { intParam, stringParam } from './query';
import { shared } from './shared-call';

export interface DashboardRoutesOptions {
  models: DashboardReadModels;
  control: TradingControl;
  halts: () => HaltView[];
  health: () => Promise<HealthReport>;
  events: EventStream;
  mode: 'paper' | 'live';
  version: string;
  /** Wall clock of the short shared cache below. */
  clock: Clock;
}

/** How long one answer that reaches the venue (health's ticker and balance, balances) is shared by every browser. */
const SHARED_MS = 2_000;

/** The panes' read routes and the live event stream, all behind `auth`. */
export function dashboardRoutes(o: DashboardRoutesOptions, auth: RequestHandler): Router {
  const r = express.Router();
  const health = shared(o.clock, SHARED_MS, o.health);
  const balances = shared(o.clock, SHARED_MS, () => o.models.balances());
  r.get('/api/status', auth, async (_req, res) => {
    const h = await health();
    res.json({
      mode: o.mode,
      version: o.version,
      orchestrator: o.control.status(),
      halts: o.halts(),
      health: { status: h.status, components: h.components },
    });
  });
  r.get('/api/orders/open', auth, async (_req, res) => res.json({ orders: await o.models.openOrders() }));
  r.get('/api/balances', auth, async (_req, res) => res.json(await balances()));
  r.get('/api/performance', auth, async (_req, res) => res.json(await o.models.performance()));
  r.get('/api/candles', auth, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const symbol = (stringParam(q, 'symbol') ?? o.control.status().symbols[0] ?? '').toUpperCase();
    const chart = await o.models.chart(symbol, intParam(q, 'limit', 300, 10, 1000)!);
    if (!chart) return sendError(res, 404, 'HTTP.NOT_FOUND', `${symbol} is not traded by this bot`);
    res.json(chart);
  });
  r.get('/api/decisions', auth, async (req, res) => {
    res.json({ decisions: await o.models.decisions(intParam(req.query as Record<string, unknown>, 'limit', 50, 1, 500)!) });
  });
  // Every bot of the database (one Postgres serves many; docs/postgres.md), read-only, this one marked.
  r.get('/api/bots', auth, async (req, res) => {
    res.json(await o.models.bots(intParam(req.query as Record<string, unknown>, 'limit', 100, 1, 500)!));
  });
  r.get('/api/safety', auth, async (_req, res) => res.json(await o.models.safety()));
  r.get('/api/events', auth, o.events.handle);
  return r;
}
