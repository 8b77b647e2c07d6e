import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { str } from '@cab/domain';
import { SAMPLE_CANDLES, startEmulator, type Emulator, type LoggedRequest } from '../../exchange-emulator/src';
import type { ChildStatus } from './bot-child';
import { BotProcess, type ChildMessage } from './bot-process';
import { compare, passed, type BotFacts, type Findings, type VenueFacts } from './checks';
import { planCycle, type KillPlan } from './fault-plan';
import { Prng } from './prng';
import { safetyProbe } from './safety-probe';

export interface RehearsalOptions {
  seed: number;
  cycles: number;
  maxMinutes: number;
  /** Progress lines (one per cycle); the summary is the caller's. */
  log: (line: string) => void;
}

export interface RehearsalResult {
  seed: number;
  cyclesAsked: number;
  cycles: number;
  /** POST /spot/orders requests that reached the venue (faulted ones included). */
  orderRequests: number;
  /** Cycles whose bot did not come up (refused or not ready in time) before it was killed. */
  startFailures: number;
  killsAroundOrderSend: number;
  killsOnTimer: number;
  faultsInjected: Record<string, number>;
  /** Halt codes the bot reported in its last status before a kill, and in how many cycles. */
  haltsAtKill: Record<string, number>;
  /**
   * After the cycles, one run whose first market loads fail (502 ×2 on currency_pairs, then none):
   * the bot must reconcile cleanly and see fresh market data again without a restart.
   */
  marketLoadRecovered: boolean;
  /**
   * An operator halt, kill -9, restart: is the halt still there? null = the probe could not run.
   * Reported, not a failure of the run (which halts persist is the bot's design to settle).
   */
  operatorHaltSurvivedKill: boolean | null;
  /**
   * One live cycle as the server, started over the control API: GET /api/safety (with the API token)
   * showed the dead man's switch armed (future deadline, recent refresh), the instance lock held by
   * the bot's pid, and a reconcile pass. False fails the run (the problems say what was missing).
   */
  safetyPanelArmed: boolean;
  /** The final, fault-free run: reconciled until clean within the bounded wait. */
  settled: boolean;
  stoppedCleanly: boolean;
  haltsActive: string[];
  findings: Findings;
  passed: boolean;
  problems: string[];
  workDir: string;
  minutes: number;
}

const PAIR = 'BTC_USDT';
const SYMBOL = 'BTC/USDT';
const BASE = 'BTC';
const START_BALANCES = { USDT: '10000', BTC: '0' };
// Loose enough for a loaded machine: a timeout here should come from an injected delay, not from the CPU.
const HTTP_TIMEOUT_SEC = 5;
// Generous: a busy 2-core machine starts a tsx child with ccxt in seconds, not milliseconds.
const READY_TIMEOUT_MS = 90_000;
const SETTLE_TIMEOUT_MS = 120_000;
// Past the broker's circuit-breaker cooldown (30 s), so an open circuit has had time to close.
const RECOVERY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
// The watchdog arms the switch on its first tick and reconcile runs every 2 s: a ceiling, not a speed.
const ARM_TIMEOUT_MS = 90_000;
// The watchdog refreshes the switch every second; a refresh older than this means it stopped.
const RECENT_REFRESH_MS = 30_000;

/** The bot's settings: live mode on the emulator, short loops, limits that let a coin flip trade. */
function botEnv(emu: Emulator, key: string, secret: string, workDir: string): Record<string, string> {
  return {
    MODE: 'live',
    EXCHANGE: 'gateio',
    EXCHANGE_API_URL: emu.url,
    API_KEY: key,
    API_SECRET: secret,
    API_TOKEN: randomBytes(24).toString('hex'),
    MARKET_DATA: 'exchange',
    SYMBOL,
    DB_PATH: join(workDir, 'bot.db'),
    LOCK_DIR: join(workDir, 'locks'),
    HOST: '127.0.0.1',
    WORKER_PORT: '0',
    LOG_LEVEL: 'WARN',
    FIXED_AMOUNT: '20',
    FEE_PCT_ESTIMATE: '0.002',
    EVAL_INTERVAL_SEC: '0.5',
    EXITS_INTERVAL_SEC: '1',
    RECONCILE_INTERVAL_SEC: '2',
    WATCHDOG_INTERVAL_SEC: '1',
    HTTP_TIMEOUT_SEC: String(HTTP_TIMEOUT_SEC),
    // One order per side every 3 s at most, the key living twice its bucket as with the defaults (60 s / 120 s).
    IDEMPOTENCY_BUCKET_MS: '3000',
    IDEMPOTENCY_TTL_SEC: '6',
    RISK_MAX_ORDERS_PER_HOUR: '100000',
    RISK_LOSS_STREAK_MAX: '0',
    RISK_DAILY_LOSS_LIMIT_QUOTE: '1000000',
    RISK_MAX_FEE_PCT: '0.01',
  };
}

const isStart = (m: ChildMessage): m is Extract<ChildMessage, { kind: 'ready' | 'refused' | 'error' }> =>
  m.kind === 'ready' || m.kind === 'refused' || m.kind === 'error';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the whole rehearsal: cycles of faults and kill -9, then a fault-free settle, then the checks. */
export async function rehearse(opts: RehearsalOptions): Promise<RehearsalResult> {
  const began = Date.now();
  const deadline = began + opts.maxMinutes * 60_000;
  const prng = new Prng(opts.seed);
  const workDir = fs.mkdtempSync(join(tmpdir(), 'cab-rehearse-'));
  fs.mkdirSync(join(workDir, 'locks'));
  const key = `rehearse${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(24).toString('hex');
  const emu = await startEmulator({
    apiKey: key,
    apiSecret: secret,
    balances: START_BALANCES,
    dataFile: SAMPLE_CANDLES,
    candleStepMs: 1_000,
    keepRequests: 50,
  });
  const env = botEnv(emu, key, secret, workDir);
  const problems: string[] = [];
  const faultsInjected: Record<string, number> = {};
  let orderRequests = 0;
  let onOrderSend: ((r: LoggedRequest) => void) | null = null;

  // Every request the venue receives passes here, before it is executed: the counters, and the
  // kill -9 "around an order send" (the venue has the order; the bot dies with or without the answer).
  const keep = emu.requests.push.bind(emu.requests);
  emu.requests.push = (...items: LoggedRequest[]): number => {
    for (const r of items) {
      for (const k of r.faults) faultsInjected[k] = (faultsInjected[k] ?? 0) + 1;
      if (r.method === 'POST' && r.path === '/spot/orders') {
        orderRequests += 1;
        onOrderSend?.(r);
      }
    }
    return keep(...items);
  };

  let cycles = 0;
  let startFailures = 0;
  let killsAroundOrderSend = 0;
  let killsOnTimer = 0;
  const haltsAtKill: Record<string, number> = {};
  const bots: BotProcess[] = [];
  try {
    for (let cycle = 1; cycle <= opts.cycles; cycle++) {
      if (Date.now() >= deadline) {
        problems.push(`time limit: ${cycles} of ${opts.cycles} cycles in ${opts.maxMinutes} min`);
        break;
      }
      const plan = planCycle(prng, HTTP_TIMEOUT_SEC * 1000);
      emu.faults.clear();
      for (const f of plan.faults) emu.faults.next(f.match, f.fault, f.times);
      const bot = new BotProcess(
        { kind: 'start', env, phase: 'trade', seed: prng.int(1, 2 ** 31) },
        join(workDir, `cycle-${String(cycle).padStart(3, '0')}.log`),
      );
      bots.push(bot);
      const ordersBefore = emu.exchange.orders.length;
      const t0 = Date.now();
      const started = await bot.waitFor(isStart, READY_TIMEOUT_MS);
      const readyMs = Date.now() - t0;
      let how: string;
      if (started?.kind !== 'ready') {
        startFailures += 1;
        how = `did not start (${started ? `${started.kind}: ${started.message.split('\n')[0]}` : bot.alive ? 'not ready in time' : 'exited'})`;
        await bot.kill9();
      } else {
        const killed = await killPer(plan.kill, bot, (f) => (onOrderSend = f));
        onOrderSend = null;
        const halts = [...new Set((bot.lastStatus?.haltReasons ?? []).map((h) => h.split(':')[0] ?? h))];
        for (const code of halts) haltsAtKill[code] = (haltsAtKill[code] ?? 0) + 1;
        how = `ready in ${readyMs} ms, ${killed.how}${halts.length > 0 ? ` (halted: ${halts.join(', ')})` : ''}`;
        if (killed.aroundOrderSend) killsAroundOrderSend += 1;
        else killsOnTimer += 1;
      }
      cycles += 1;
      const faults =
        plan.faults.map((f) => `${f.match} ${f.fault.kind}${f.fault.kind === 'status' ? ` ${f.fault.status}` : ''}×${f.times}`).join(', ') || 'none';
      opts.log(
        `cycle ${cycle}/${opts.cycles}: faults [${faults}]; ${how}; venue orders +${emu.exchange.orders.length - ordersBefore} (${emu.exchange.orders.length})`,
      );
    }

    // A live cycle without faults, as the server: the safety pane must show the bot's protections armed.
    emu.faults.clear();
    const safety = await safetyProbe({
      env,
      prng,
      workDir,
      symbol: SYMBOL,
      bots,
      readyTimeoutMs: READY_TIMEOUT_MS,
      armTimeoutMs: ARM_TIMEOUT_MS,
      recentMs: RECENT_REFRESH_MS,
    });
    problems.push(...safety.problems);
    opts.log(`safety probe: ${safety.armed ? 'armed' : 'NOT armed'} (dead man's switch, instance lock, reconcile pass on GET /api/safety)`);

    const marketLoadRecovered = await marketLoadProbe(emu, env, prng, workDir, bots, problems, opts.log);

    const haltSet = await haltProbe(env, prng, workDir, bots, problems);

    // Faults off, one more start, and let the bot reconcile until it has nothing left to settle.
    emu.faults.clear();
    const final = new BotProcess({ kind: 'start', env, phase: 'settle', seed: prng.int(1, 2 ** 31) }, join(workDir, 'final.log'));
    bots.push(final);
    const started = await final.waitFor(isStart, READY_TIMEOUT_MS);
    let settledStatus: ChildStatus | null = null;
    let operatorHaltSurvivedKill: boolean | null = null;
    let stoppedCleanly = false;
    if (started?.kind !== 'ready') {
      problems.push(`the final, fault-free start failed: ${started ? `${started.kind}: ${started.message}` : 'not ready in time'}`);
      await final.kill9();
    } else {
      // The first status after the restart: is the probe's operator halt still there? Then lift
      // only that one, so the halts reported at the end are the bot's own.
      const first = await final.waitForStatus(() => true, READY_TIMEOUT_MS);
      operatorHaltSurvivedKill = haltSet && first ? first.haltReasons.some(isOperatorHalt) : null;
      // Halts are kept in the database: a kill -9 must not lift an operator's halt.
      if (operatorHaltSurvivedKill === false) problems.push('the operator halt set before a kill -9 was gone after the restart');
      if (operatorHaltSurvivedKill) {
        final.command('clear-operator-halt');
        await final.waitForStatus((s) => !s.haltReasons.some(isOperatorHalt), STOP_TIMEOUT_MS);
      }
      // Reconcile runs counted from this start: two full passes after the first with nothing in flight.
      settledStatus = await final.waitForStatus(
        (s) => s.state === 'running' && s.reconcileRuns >= 3 && s.reconcileLastError === null && s.unsettledOrders === 0,
        SETTLE_TIMEOUT_MS,
      );
      if (!settledStatus) {
        const s = final.lastStatus;
        problems.push(
          `not settled within ${SETTLE_TIMEOUT_MS / 1000} s: ${s ? `${s.unsettledOrders} orders unsettled, reconcile ${s.reconcileRuns} runs, last error ${s.reconcileLastError ?? 'none'}` : 'no status'}`,
        );
      }
      stoppedCleanly = await final.stop(STOP_TIMEOUT_MS);
      if (!stoppedCleanly) problems.push('the final bot did not stop cleanly');
    }
    const lastStatus = final.lastStatus;
    const findings = compare(venueFacts(emu), botFacts(env['DB_PATH'] as string), str(emu.exchange.pairs.get(PAIR)!.amountStep));
    const haltsActive = lastStatus ? lastStatus.haltReasons : ['unknown: the final bot never reported'];
    return {
      seed: opts.seed,
      cyclesAsked: opts.cycles,
      cycles,
      orderRequests,
      startFailures,
      killsAroundOrderSend,
      killsOnTimer,
      faultsInjected,
      haltsAtKill,
      marketLoadRecovered,
      safetyPanelArmed: safety.armed,
      operatorHaltSurvivedKill,
      settled: settledStatus !== null,
      stoppedCleanly,
      haltsActive,
      findings,
      passed: passed(findings) && cycles === opts.cycles && problems.length === 0,
      problems,
      workDir,
      minutes: Math.round((Date.now() - began) / 600) / 100,
    };
  } finally {
    onOrderSend = null;
    for (const b of bots) await b.kill9();
    await emu.close();
  }
}

const isOperatorHalt = (h: string): boolean => h.startsWith('OPERATOR');

/** Starts the bot, halts it as an operator would, and kills it with -9; true when the halt was in force at the kill. */
async function haltProbe(env: Record<string, string>, prng: Prng, workDir: string, bots: BotProcess[], problems: string[]): Promise<boolean> {
  const bot = new BotProcess({ kind: 'start', env, phase: 'settle', seed: prng.int(1, 2 ** 31) }, join(workDir, 'halt-probe.log'));
  bots.push(bot);
  const started = await bot.waitFor(isStart, READY_TIMEOUT_MS);
  if (started?.kind !== 'ready') {
    problems.push(`halt probe: the bot did not start (${started ? `${started.kind}: ${started.message.split('\n')[0]}` : 'not ready in time'})`);
    await bot.kill9();
    return false;
  }
  bot.command('halt');
  const halted = await bot.waitForStatus((s) => s.haltReasons.some(isOperatorHalt), STOP_TIMEOUT_MS);
  await bot.kill9();
  return halted !== null;
}

/** One start whose first two market loads fail: does the bot come back by itself (reconcile clean, market data ok)? */
async function marketLoadProbe(
  emu: Emulator,
  env: Record<string, string>,
  prng: Prng,
  workDir: string,
  bots: BotProcess[],
  problems: string[],
  log: (l: string) => void,
): Promise<boolean> {
  emu.faults.clear();
  emu.faults.next('GET /spot/currency_pairs*', { kind: 'status', status: 502 }, 2);
  const bot = new BotProcess({ kind: 'start', env, phase: 'settle', seed: prng.int(1, 2 ** 31) }, join(workDir, 'market-load.log'));
  bots.push(bot);
  const started = await bot.waitFor(isStart, READY_TIMEOUT_MS);
  if (started?.kind !== 'ready') {
    problems.push(
      `market-load probe: the bot did not start after two failed market loads (${started ? `${started.kind}: ${started.message.split('\n')[0]}` : 'not ready in time'})`,
    );
    await bot.kill9();
    return false;
  }
  const recovered = await bot.waitForStatus(
    (s) => s.state === 'running' && s.reconcileRuns >= 2 && s.reconcileLastError === null && !s.healthNotOk.some((c) => c.startsWith('market_data')),
    RECOVERY_TIMEOUT_MS,
  );
  if (!recovered) {
    const s = bot.lastStatus;
    problems.push(
      `market-load probe: no recovery within ${RECOVERY_TIMEOUT_MS / 1000} s of two failed market loads (faults used up, no restart): ${
        s
          ? `reconcile error ${s.reconcileLastError ?? 'none'}; ${s.healthNotOk.join('; ') || 'health ok'}; halts ${s.haltReasons.join('; ') || 'none'}`
          : 'no status'
      }`,
    );
  }
  // Only meaningful once both faults were served: a bot that never asked again proves nothing.
  const unserved = emu.faults.pending().reduce((n, f) => n + f.remaining, 0);
  if (unserved > 0) problems.push(`market-load probe: ${unserved} of the 2 market-load faults never served (the bot did not load markets)`);
  log(`market-load probe: ${recovered ? 'recovered' : 'NOT recovered'} after two failed market loads`);
  await bot.stop(STOP_TIMEOUT_MS);
  emu.faults.clear();
  return recovered !== null && unserved === 0;
}

/** Ends a cycle with kill -9 as planned; says how, for the counters and the progress line. */
async function killPer(
  plan: KillPlan,
  bot: BotProcess,
  hook: (f: ((r: LoggedRequest) => void) | null) => void,
): Promise<{ how: string; aroundOrderSend: boolean }> {
  if (plan.kind === 'timer') {
    await Promise.race([sleep(plan.afterMs), bot.exited]);
    const was = bot.alive;
    await bot.kill9();
    return { how: was ? `kill -9 after ${plan.afterMs} ms` : 'exited by itself', aroundOrderSend: false };
  }
  let fired = false;
  hook(() => {
    if (fired) return;
    fired = true;
    // Before the answer: the signal goes now, while the venue executes the order. After it: the
    // answer is written first, and the bot may or may not have read it when the kill lands.
    if (plan.when === 'before-answer') bot.child.kill('SIGKILL');
    else setImmediate(() => bot.child.kill('SIGKILL'));
  });
  await Promise.race([sleep(plan.waitMs), bot.exited]);
  hook(null);
  const was = bot.alive;
  await bot.kill9();
  if (fired) return { how: `on order send: kill -9 ${plan.when}`, aroundOrderSend: true };
  return { how: was ? `no order within ${plan.waitMs} ms: kill -9` : 'exited by itself', aroundOrderSend: false };
}

function venueFacts(emu: Emulator): VenueFacts {
  const b = emu.exchange.balances.get(BASE);
  return {
    orders: emu.exchange.orders
      .filter((o) => o.pair === PAIR)
      .map((o) => ({ id: o.id, text: o.text, side: o.side, pair: o.pair, filled: str(o.filledAmount) })),
    trades: emu.exchange.trades.filter((t) => t.pair === PAIR).map((t) => ({ id: t.id, orderId: t.orderId, side: t.side, amount: str(t.amount) })),
    baseNow: b ? str(b.available.plus(b.locked)) : '0',
    baseAtStart: START_BALANCES.BTC,
  };
}

/** Reads the bot's database read-only, after the bot has stopped (or been killed). */
function botFacts(dbPath: string): BotFacts {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const orders = db.prepare('SELECT client_order_id, exchange_order_id, idempotency_key FROM orders').all() as Array<{
      client_order_id: string;
      exchange_order_id: string | null;
      idempotency_key: string | null;
    }>;
    const fills = db.prepare('SELECT trade_id FROM fills').all() as Array<{ trade_id: string }>;
    const pos = db.prepare('SELECT base_qty FROM positions WHERE symbol = ?').get(SYMBOL) as { base_qty: string } | undefined;
    return {
      orders: orders.map((o) => ({ clientOrderId: o.client_order_id, exchangeOrderId: o.exchange_order_id, idempotencyKey: o.idempotency_key })),
      fillTradeIds: new Set(fills.map((f) => f.trade_id)),
      positionBase: pos ? pos.base_qty : null,
    };
  } finally {
    db.close();
  }
}
