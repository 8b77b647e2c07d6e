import type { Express } from 'express';
import { compose, type BotApp, type ComposeOverrides } from '../compose/compose';
import { ComposeError } from '../compose/market-data-from-settings';
import { createHttpApp } from '../http/http-app';
import { listen, type Listening } from '../http/listen';
import { storageReadModels } from '../http/read-models';
import { dashboardReadModels } from '../http/dashboard-read-models';
import { EventStream } from '../http/event-stream';
import { Redactor } from '../logging/redact';
import { secretValues } from '../settings/summary';
import { attachBusinessMetrics, marketDataPrices } from '../observability/business-metrics';
import { PromMetrics } from '../observability/prom-metrics';
import { brokerDust } from '../reports/dust-source';
import type { Settings } from '../settings/settings';
import { APP_VERSION } from './run-main';
import { StartupRefused } from './startup-refused';

export type BotRole = 'server' | 'worker';

export interface RunningBot {
  app: BotApp;
  http: Listening;
  express: Express;
  metrics: PromMetrics;
  /** Graceful stop: stop accepting requests, stop the orchestrator, close everything. Idempotent. */
  stop(): Promise<void>;
}

export interface StartBotOptions {
  role: BotRole;
  overrides?: ComposeOverrides;
  /** The server's built dashboard (dist/apps/dashboard), served at GET /; omitted or missing = not served. */
  dashboardDir?: string;
}

/**
 * What apps/server and apps/worker run: compose the bot, serve HTTP, start trading.
 *  - server: /health /ready /metrics, /orchestrator/* and /api/* on HOST:PORT; the orchestrator
 *    starts by itself in paper mode unless AUTOSTART=false. In live mode it never starts by itself
 *    (an operator starts it with POST /orchestrator/start) and the server refuses to start at all
 *    without API_TOKEN.
 *  - worker: the orchestrator headless, /health and /metrics on HOST:WORKER_PORT; it starts
 *    trading unless AUTOSTART=false.
 */
export async function startBot(settings: Settings, options: StartBotOptions): Promise<RunningBot> {
  const server = options.role === 'server';
  if (server && settings.mode === 'live' && settings.http.apiToken === null) {
    throw new StartupRefused('HTTP.CONFIG', 'MODE=live refuses to start the server without API_TOKEN (the control API would be open); set API_TOKEN');
  }
  const metrics = new PromMetrics();
  let app: BotApp;
  try {
    app = await compose(settings, { metrics, ...options.overrides });
  } catch (e) {
    if (e instanceof ComposeError) throw new StartupRefused(e.code, e.message);
    throw e;
  }
  let http: Listening | null = null;
  let closeEvents: () => void = () => undefined;
  try {
    const detachMetrics = attachBusinessMetrics(app, metrics);
    const built = app;
    // One bus subscription for every browser (SSE fan-out); the worker serves no dashboard.
    const redactor = new Redactor(secretValues(settings));
    const events = server ? new EventStream(app.bus, (t) => redactor.text(t)) : null;
    closeEvents = () => events?.close();
    const dashboard =
      server && events
        ? {
            control: app.control,
            halts: () => built.trading.list(),
            events,
            staticDir: options.dashboardDir ?? null,
            models: dashboardReadModels({
              ...app.storage,
              broker: app.broker,
              marketData: app.marketData,
              symbols: settings.symbols,
              dust: brokerDust(app.broker),
              safety: () => built.safety.snapshot(),
              lock: () => built.lockInfo,
              deadLetters: async () => ({ stored: await built.storage.dlq.count(), sinceStart: built.deadLetters.counts().total }),
            }),
          }
        : undefined;
    const express = createHttpApp({
      orchestrator: app.orchestrator,
      health: app.health,
      metrics,
      control: server,
      ...(server
        ? { readModels: storageReadModels({ ...app.storage, symbols: settings.symbols, prices: marketDataPrices(app), dust: brokerDust(app.broker) }) }
        : {}),
      apiToken: settings.http.apiToken?.reveal() ?? null,
      mode: settings.mode,
      version: APP_VERSION,
      logger: app.logger.child({ component: 'http' }),
      clock: app.wallClock,
      tradingClock: app.clock,
      ...(dashboard ? { dashboard } : {}),
    });
    const bound = await listen(express, settings.http.host, server ? settings.http.port : settings.http.workerPort);
    http = bound;
    app.logger.info(`${options.role} listening`, { url: bound.url, mode: settings.mode, marketData: settings.marketData.source });

    const autostart = settings.autostart && (!server || settings.mode === 'paper');
    if (autostart) await app.orchestrator.start();
    else app.logger.info('orchestrator not started', { reason: settings.autostart ? 'live mode: start it with POST /orchestrator/start' : 'AUTOSTART=false' });

    let stopping: Promise<void> | null = null;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        app.logger.info(`${options.role} stopping`);
        // Open event streams would hold the close for its whole grace time.
        closeEvents();
        await bound.close();
        await app.orchestrator.stop();
        detachMetrics();
        await app.close();
        app.logger.info(`${options.role} stopped`);
      })());
    return { app, http: bound, express, metrics, stop };
  } catch (e) {
    // A failed autostart must not leave a listening socket keeping the process alive.
    closeEvents();
    await http?.close(0);
    await app.close();
    // Duck-typed: a Node error may come from another realm (jest), where instanceof Error fails.
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'EADDRINUSE') {
      throw new StartupRefused(
        'HTTP.ADDRESS_IN_USE',
        `${settings.http.host}:${server ? settings.http.port : settings.http.workerPort} is in use (set ${server ? 'PORT' : 'WORKER_PORT'})`,
      );
    }
    // HOST names no address of this machine (a typo, a name DNS does not know): the operator's to fix.
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EADDRNOTAVAIL' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
      throw new StartupRefused(
        'HTTP.HOST',
        `cannot listen on HOST=${settings.http.host} (${String(code)}): not an address of this machine; use e.g. 127.0.0.1 or 0.0.0.0`,
      );
    }
    throw e;
  }
}

/** Resolves with the first SIGTERM or SIGINT; a second one while stopping exits at once (code 1). */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const on = (sig: NodeJS.Signals): void => {
      if (received) process.exit(1);
      received = true;
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
