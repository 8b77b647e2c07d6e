import type { TradingControl } from '@cab/application';
import type { TelegramCommands } from '../telegram-commands/telegram-commands';
import type { Express } from 'express';
import { compose, type BotApp, type ComposeOverrides } from '../compose/compose';
import { ComposeError } from '../compose/market-data-from-settings';
import { createHttpApp } from '../http/http-app';
import { listen, type Listening } from '../http/listen';
import { storageReadModels } from '../http/read-models';
import { dashboardReadModels } from '../http/dashboard-read-models';
import { EventStream } from '../http/event-stream';
import { Redactor } from '../../driven/logging/redact';
import { secretValues } from '../../settings/summary';
import { attachBusinessMetrics, marketDataPrices } from '../observability/business-metrics';
import { PromMetrics } from '../../driven/metrics/prom-metrics';
import { brokerDust } from '../reports/dust-source';
import type { Settings } from '../../settings/settings';
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
  /**
   * The control API the Telegram commands (TELEGRAM_COMMANDS=true) act through; by default the
   * composed bot's own (`app.control`, the one the dashboard uses). Tests pass a recording one.
   */
  control?: (app: BotApp) => TradingControl;
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
  // Every series carries the bot label (BOT_ID): one Prometheus tells the bots of a shared database apart (docs/metrics.md).
  const metrics = new PromMetrics({ defaultLabels: { bot: settings.botId } });
  let app: BotApp;
  try {
    app = await compose(settings, { metrics, ...options.overrides });
  } catch (e) {
    if (e instanceof ComposeError) throw new StartupRefused(e.code, e.message);
    throw e;
  }
  let http: Listening | null = null;
  let telegram: TelegramCommands | null = null;
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

    telegram = await startTelegramCommands(app, options.control);

    const autostart = settings.autostart && (!server || settings.mode === 'paper');
    if (autostart) await app.orchestrator.start();
    else app.logger.info('orchestrator not started', { reason: settings.autostart ? 'live mode: start it with POST /orchestrator/start' : 'AUTOSTART=false' });

    const commands = telegram;
    let stopping: Promise<void> | null = null;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        app.logger.info(`${options.role} stopping`);
        // No new command once stopping; the one being handled (a force exit) finishes first.
        await commands?.stop();
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
    await telegram?.stop();
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

/** The commands of TELEGRAM_COMMANDS=true, polling; null when off. */
async function startTelegramCommands(app: BotApp, control: StartBotOptions['control']): Promise<TelegramCommands | null> {
  if (!app.settings.telegram.commands) return null;
  // Loaded only when enabled: grammY costs ~0.25 s of start-up, which every CLI command would pay.
  const { telegramCommandsForApp } = await import('../telegram-commands/from-settings');
  const commands = telegramCommandsForApp(app, control ? control(app) : app.control);
  if (!commands) return null;
  app.health.register({ name: 'telegram_commands', critical: false, check: () => commands.check() });
  commands.start();
  return commands;
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
