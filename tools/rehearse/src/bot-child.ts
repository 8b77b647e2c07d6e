/**
 * The bot the rehearsal kills: the real worker composition (startBot: compose in live mode, GateVenue
 * and MARKET_DATA=exchange against the emulator, SQLite file, instance lock, the worker's HTTP) in a
 * child process of its own, so kill -9 is a real kill -9. Only the strategy is ours: a seeded one that
 * buys when flat and sells when holding, often enough that orders are in flight when the kill comes.
 *
 * Driven over IPC (no environment: the settings arrive as an env object in the first message):
 *   ← {kind:'start', env, phase:'trade'|'settle', seed}     'settle' holds: no new entries, only reconcile
 *   → {kind:'ready', pid, url} then {kind:'status', ...} every second
 *   ← {kind:'halt'} / {kind:'clear-operator-halt'}       an operator halt (the halt probe) / its removal
 *   ← {kind:'stop'} → graceful stop → {kind:'stopped'}, exit 0
 *   → {kind:'refused', message} when the bot does not start (exit 3)
 */
import * as fs from 'node:fs';
import { ORDER_STATUSES, TERMINAL_STATUSES, type Signal, type SignalContext, type Strategy, type StrategyFactory } from '@cab/domain';
import { parseSettings, startBot, type RunningBot } from '@cab/infrastructure';
import { Prng } from './prng';

export interface StartMessage {
  kind: 'start';
  env: Record<string, string>;
  phase: 'trade' | 'settle';
  seed: number;
  /**
   * The composition to run: the worker's (default: headless, /health only) or the server's (the
   * control API and the dashboard's /api/*, for the safety probe; a live server never starts
   * trading by itself: the runner starts it with POST /orchestrator/start).
   */
  role?: 'worker' | 'server';
}

export interface ChildStatus {
  kind: 'status';
  state: string;
  trading: string;
  haltReasons: string[];
  reconcileRuns: number;
  reconcileLastError: string | null;
  /** Orders of ours the database still holds as not finished. */
  unsettledOrders: number;
  /** The worker's /health as an operator reads it: overall, and each component that is not ok. */
  health: string;
  healthNotOk: string[];
}

/**
 * Buys when flat, sells when holding, each on a coin flip: trades every few evaluations. It reads no
 * candle, so one stateless object is the strategy of every symbol and its own factory.
 */
export function coinFlipStrategy(seed: number, phase: StartMessage['phase']): Strategy & StrategyFactory {
  const prng = new Prng(seed);
  const strategy: Strategy & StrategyFactory = {
    name: 'rehearsal_coin_flip',
    warmup: 2,
    params: {},
    create: () => strategy,
    update: () => undefined,
    reset: () => undefined,
    signal(ctx: SignalContext): Signal {
      if (phase === 'settle') return { action: 'hold', reasons: ['SIGNAL.REHEARSAL: settling'] };
      const roll = prng.next();
      if (ctx.inPosition === true)
        return roll < 0.5 ? { action: 'sell', reasons: ['SIGNAL.REHEARSAL: sell'] } : { action: 'hold', reasons: ['SIGNAL.REHEARSAL: hold'] };
      return roll < 0.6 ? { action: 'buy', reasons: ['SIGNAL.REHEARSAL: buy'] } : { action: 'hold', reasons: ['SIGNAL.REHEARSAL: hold'] };
    },
  };
  return strategy;
}

const send = (m: unknown): void => {
  if (process.connected) process.send?.(m);
};

async function status(bot: RunningBot): Promise<ChildStatus> {
  const report = await bot.app.health.health();
  const s = bot.app.orchestrator.status();
  const unsettled = await bot.app.storage.orders.find({ statuses: ORDER_STATUSES.filter((st) => !TERMINAL_STATUSES.includes(st)), limit: 1000 });
  return {
    kind: 'status',
    state: s.state,
    trading: s.trading,
    haltReasons: s.haltReasons,
    reconcileRuns: s.loops.reconcile.runs,
    reconcileLastError: s.loops.reconcile.lastError,
    unsettledOrders: unsettled.length,
    health: report.status,
    healthNotOk: report.components.filter((c) => c.status !== 'ok').map((c) => `${c.name} ${c.status}${c.detail ? `: ${c.detail}` : ''}`),
  };
}

async function run(msg: StartMessage): Promise<void> {
  const settings = parseSettings(msg.env, { cwd: process.cwd(), readFile: (p) => fs.readFileSync(p, 'utf8') });
  let bot: RunningBot;
  try {
    bot = await startBot(settings, {
      role: msg.role ?? 'worker',
      overrides: { strategy: coinFlipStrategy(msg.seed, msg.phase) },
    });
  } catch (e) {
    send({ kind: 'refused', message: e instanceof Error ? e.message : String(e) });
    process.exitCode = 3;
    setTimeout(() => process.exit(3), 200);
    return;
  }
  send({ kind: 'ready', pid: process.pid, url: bot.http.url });
  let probing = false;
  const timer = setInterval(() => {
    if (probing) return;
    probing = true;
    void status(bot)
      .then(send)
      .catch(() => undefined)
      .finally(() => (probing = false));
  }, 1_000);
  process.on('message', (m: { kind?: string }) => {
    // The halt probe: an operator halt, then kill -9; the next start shows whether it survived.
    if (m.kind === 'halt' || m.kind === 'clear-operator-halt') {
      void (
        m.kind === 'halt'
          ? bot.app.orchestrator.halt('rehearsal: operator halt, then kill -9')
          : bot.app.trading.clear('OPERATOR', 'rehearsal: halt probe done')
      )
        .then(() => status(bot))
        .then(send)
        .catch(() => undefined);
      return;
    }
    if (m.kind !== 'stop') return;
    clearInterval(timer);
    void (async () => {
      const last = await status(bot).catch(() => null);
      if (last) send(last);
      await bot.stop();
      send({ kind: 'stopped' });
      setTimeout(() => process.exit(0), 200);
    })();
  });
}

// The rehearsal's runner holds the other end of the IPC channel: without it, nobody will ever kill us.
process.on('disconnect', () => process.exit(1));
process.once('message', (m: StartMessage) => {
  if (m.kind !== 'start') return;
  run(m).catch((e: unknown) => {
    send({ kind: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
    setTimeout(() => process.exit(1), 200);
  });
});
