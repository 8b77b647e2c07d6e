/**
 * The pipeline contract: one suite of specs the whole composed bot must pass in paper mode
 * (PaperVenue over the market data, balances in SQLite) and in live mode (GateVenue and the real
 * ccxt client against the Gate emulator), so paper and live cannot drift apart (docs/lessons.md #9).
 * Run it from a spec: `pipelineContract('paper', makePaperPipelineWorld)`.
 *
 * Each spec composes a fresh bot with compose() on a real SQLite file, a VirtualScheduler (loop
 * intervals of an hour, so loops run only when a spec runs them), a ScriptedMarketData and a
 * ScriptedStrategy. Assertions are on decimals and on what the database and the broker hold.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { VirtualScheduler, type Broker, type CountdownSwitch, type OrderRecord } from '@cab/application';
import { RecordingLogger } from '@cab/application/testing';
import { dec, str, ZERO } from '@cab/domain';
import { SequentialIds } from '@cab/domain/testing';
import { parseSettings, type Settings } from '../../../settings';
import { compose, type BotApp, type ComposeOverrides } from '../compose';
import { ScriptedMarketData, ScriptedStrategy } from './scripted';

export const SYMBOL = 'BTC/USDT';

/** One world (paper or live): the broker and what the specs need to drive it. */
export interface PipelineWorld {
  mode: 'paper' | 'live';
  /** Extra settings (EXCHANGE_API_URL, keys). */
  env: Record<string, string>;
  /** null: compose builds the broker from settings (paper). */
  broker: Broker | null;
  countdown?: CountdownSwitch;
  /** Moves the venue's price (the emulator's book); the scripted market data follows the same price. */
  setVenuePrice(symbol: string, price: string): Promise<void>;
  /** Orders the venue holds for the symbol (all statuses), by client order id. */
  venueOrders(symbol: string, broker: Broker): Promise<{ clientOrderId: string | null; status: string }[]>;
  /** Whether the venue's countdown (dead man's switch) is armed for the symbol; null when the world has none. */
  countdownArmed(symbol: string): boolean | null;
  close(): Promise<void>;
}

export interface PipelineBot {
  app: BotApp;
  vs: VirtualScheduler;
  market: ScriptedMarketData;
  strategy: ScriptedStrategy;
  world: PipelineWorld;
  dir: string;
  setPrice(price: string, spread?: string): Promise<void>;
  /** Runs one step of a loop now. */
  step(loop: 'eval' | 'exits' | 'reconcile' | 'watchdog'): Promise<void>;
  orders(): Promise<OrderRecord[]>;
}

const START = Math.floor(Date.UTC(2026, 10, 2, 10, 0, 0) / 60_000) * 60_000 + 1_000;

export function settingsFor(dir: string, world: PipelineWorld, env: Record<string, string> = {}): Settings {
  return parseSettings(
    {
      MODE: world.mode,
      // The specs inject their own market data; the setting must still be valid (live decides on
      // the venue's market only, and a replay needs one file per symbol).
      MARKET_DATA: world.mode === 'live' ? 'exchange' : 'synthetic',
      DB_PATH: join(dir, 'bot.db'),
      SYMBOL,
      FIXED_AMOUNT: '100',
      PAPER_BALANCE: 'USDT=10000',
      EVAL_INTERVAL_SEC: '3600',
      EXITS_INTERVAL_SEC: '3600',
      RECONCILE_INTERVAL_SEC: '3600',
      WATCHDOG_INTERVAL_SEC: '3600',
      EXIT_STOP_PCT: '0.02',
      EXIT_TRAIL_ACTIVATE_PCT: '0.01',
      EXIT_TRAIL_PCT: '0.005',
      RISK_LOSS_STREAK_MAX: '0',
      ...world.env,
      ...env,
    },
    { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
  );
}

export async function startBot(
  world: PipelineWorld,
  dir: string,
  env: Record<string, string> = {},
  over: Partial<ComposeOverrides> = {},
): Promise<PipelineBot> {
  const vs = new VirtualScheduler({ startMs: START });
  const market = new ScriptedMarketData(vs);
  const strategy = new ScriptedStrategy();
  const app = await compose(settingsFor(dir, world, env), {
    clock: vs,
    scheduler: vs,
    timers: vs,
    ids: new SequentialIds('cid-'),
    marketData: market,
    strategy,
    lockDir: join(dir, 'locks'),
    // Recorded, not printed: the specs assert on the database, the bus and the venue.
    logger: new RecordingLogger(),
    ...(world.broker ? { broker: world.broker } : {}),
    ...(world.countdown ? { countdown: world.countdown } : {}),
    ...over,
  });
  const bot: PipelineBot = {
    app,
    vs,
    market,
    strategy,
    world,
    dir,
    async setPrice(price, spread) {
      market.setPrice(SYMBOL, price, spread);
      await world.setVenuePrice(SYMBOL, price);
    },
    step: (loop) => app.orchestrator.runLoopOnce(loop),
    orders: () => app.storage.orders.find({ symbol: SYMBOL, limit: 1000 }),
  };
  await bot.setPrice('50000');
  return bot;
}

/** `base`: overrides every bot of the suite is composed with. */
export function pipelineContract(name: string, makeWorld: () => Promise<PipelineWorld>, base: Partial<ComposeOverrides> = {}): void {
  describe(`pipeline contract: ${name}`, () => {
    let world: PipelineWorld;
    let dir: string;
    const bots: PipelineBot[] = [];
    const start = async (env: Record<string, string> = {}, over: Partial<ComposeOverrides> = {}): Promise<PipelineBot> => {
      const b = await startBot(world, dir, env, { ...base, ...over });
      bots.push(b);
      await b.app.orchestrator.start();
      return b;
    };

    beforeEach(async () => {
      dir = fs.mkdtempSync(join(tmpdir(), 'cab-pipeline-'));
      world = await makeWorld();
    });
    afterEach(async () => {
      for (const b of bots.splice(0)) await b.app.close();
      await world.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    async function position(b: PipelineBot) {
      return (await b.app.storage.positions.get(SYMBOL))?.baseQty ?? ZERO;
    }
    async function venueBase(b: PipelineBot) {
      const bal = await b.app.broker.fetchBalance(SYMBOL);
      if (!bal.ok) throw new Error(bal.error.code);
      return bal.value.freeBase.plus(bal.value.usedBase);
    }

    it('a buy signal yields exactly one order even when evaluate fires twice in one bucket', async () => {
      const b = await start();
      b.strategy.next = 'buy';
      await b.step('eval');
      await b.vs.advance(1_000);
      await b.step('eval');
      const orders = await b.orders();
      expect(orders).toHaveLength(1);
      const [o] = orders as [OrderRecord];
      expect(o.status).toBe('filled');
      expect(o.side).toBe('buy');
      expect(o.clientOrderId).toMatch(/^t-[0-9A-Za-z_.-]{1,28}$/);
      expect((await world.venueOrders(SYMBOL, b.app.broker)).filter((v) => v.clientOrderId === o.clientOrderId)).toHaveLength(1);
      expect(await world.venueOrders(SYMBOL, b.app.broker)).toHaveLength(1);
      // Gate takes the buy fee in base: position = filled − fee, and it matches the venue's balance.
      expect(o.feeCurrency).toBe('BTC');
      expect(str(await position(b))).toBe(str(o.filledBase.minus(o.fee)));
      expect(str(await venueBase(b))).toBe(str(await position(b)));
      const dup = await b.app.storage.audit.find({ kind: 'order', symbol: SYMBOL });
      expect(dup.filter((a) => a.summary.startsWith('placing'))).toHaveLength(1);
      await b.app.bus.drain();
    });

    it('a stop-loss fires below entry and the position goes flat through the same order path', async () => {
      const b = await start();
      b.strategy.next = 'buy';
      await b.step('eval');
      b.strategy.next = 'hold';
      await b.setPrice('49500');
      await b.step('exits');
      expect((await b.orders()).filter((o) => o.side === 'sell')).toHaveLength(0);
      await b.setPrice('48900'); // below 50000 × (1 − 2 %)
      await b.vs.advance(60_000);
      await b.step('exits');
      const sells = (await b.orders()).filter((o) => o.side === 'sell');
      expect(sells).toHaveLength(1);
      expect(sells[0]?.status).toBe('filled');
      expect(sells[0]?.reason).toContain('EXIT.STOP_LOSS');
      expect(str(await position(b))).toBe(str(await venueBase(b)));
      expect((await position(b)).lt(dec('0.00001'))).toBe(true);
      const exits = await b.app.storage.audit.find({ kind: 'exit', symbol: SYMBOL });
      expect(exits.map((e) => e.data['reason'])).toContain('EXIT.STOP_LOSS');
    });

    it('a trailing stop follows the peak (persisted) and fires on the pullback, even while entries are halted', async () => {
      const b = await start();
      b.strategy.next = 'buy';
      await b.step('eval');
      b.strategy.next = 'hold';
      const entry = (await b.app.storage.positions.get(SYMBOL))!.avgEntry;
      await b.setPrice('51000'); // +2 %: arms (activation 1 %)
      await b.step('exits');
      await b.setPrice('52000');
      await b.step('exits');
      const p = (await b.app.storage.positions.get(SYMBOL))!;
      expect(p.trailingActive).toBe(true);
      expect(p.peakPrice!.gt(dec('51900'))).toBe(true);
      expect(p.trailingStopPrice!.gt(entry)).toBe(true);
      await b.app.orchestrator.halt('spec: entries halted');
      await b.setPrice('51850'); // above the trailing stop (≈ 51740)
      await b.step('exits');
      expect((await b.orders()).filter((o) => o.side === 'sell')).toHaveLength(0);
      await b.setPrice('51600');
      await b.vs.advance(60_000);
      await b.step('exits');
      const sells = (await b.orders()).filter((o) => o.side === 'sell');
      expect(sells).toHaveLength(1);
      expect(sells[0]?.status).toBe('filled');
      expect(sells[0]?.reason).toContain('EXIT.TRAILING_STOP');
      expect(str(await position(b))).toBe(str(await venueBase(b)));
      expect(b.app.orchestrator.status().trading).toBe('halted');
    });

    const lose = async (b: PipelineBot): Promise<void> => {
      b.strategy.next = 'buy';
      await b.step('eval');
      b.strategy.next = 'hold';
      await b.setPrice('48000');
      await b.vs.advance(60_000);
      await b.step('exits');
      expect((await b.orders()).filter((o) => o.side === 'sell' && o.status === 'filled')).toHaveLength(1);
      await b.setPrice('48000');
      await b.vs.advance(60_000);
    };

    const cases: [code: string, env: Record<string, string>, setup: (b: PipelineBot) => Promise<void>][] = [
      ['RISK.TRADING_STATE', {}, (b) => b.app.orchestrator.halt('spec')],
      [
        'RISK.COOLDOWN',
        { RISK_COOLDOWN_SEC: '600' },
        async (b) => {
          b.strategy.next = 'buy';
          await b.step('eval');
          await b.vs.advance(61_000);
        },
      ],
      ['RISK.SPREAD', {}, (b) => b.setPrice('50000', '0.02')],
      ['RISK.MAX_POSITION', { RISK_MAX_POSITION_BASE: '0.001' }, async () => undefined],
      [
        'RISK.ORDERS_PER_HOUR',
        { RISK_MAX_ORDERS_PER_HOUR: '1' },
        async (b) => {
          b.strategy.next = 'buy';
          await b.step('eval');
          await b.vs.advance(61_000);
        },
      ],
      ['RISK.MAX_FEE', { RISK_MAX_FEE_PCT: '0.001' }, async () => undefined],
      ['RISK.SLIPPAGE', { FIXED_AMOUNT: '100000000' }, async () => undefined],
      ['RISK.DAILY_LOSS', { RISK_DAILY_LOSS_LIMIT_QUOTE: '1' }, lose],
      ['RISK.LOSS_STREAK', { RISK_LOSS_STREAK_MAX: '1', RISK_LOSS_STREAK_PAUSE_SEC: '3600' }, lose],
      ['RISK.MAX_DRAWDOWN', { RISK_MAX_DRAWDOWN_QUOTE: '1' }, lose],
    ];
    it.each(cases)('%s blocks an entry with its own reason, published and audited', async (code, env, setup) => {
      const b = await start(env);
      await setup(b);
      const blocked: string[][] = [];
      b.app.bus.subscribe('trade.blocked', 'spec', (e) => {
        blocked.push([...e.reasons]);
      });
      const before = (await b.orders()).length;
      b.strategy.next = 'buy';
      await b.step('eval');
      await b.app.bus.drain();
      expect((await b.orders()).length).toBe(before);
      // Alerted once per verdict: the core evaluates each closed candle a step hands over, and a
      // risk halt set by the first verdict adds RISK.TRADING_STATE to the next (a new verdict).
      expect(blocked.length).toBeGreaterThanOrEqual(1);
      expect(new Set(blocked.map((r) => r.join('|'))).size).toBe(blocked.length);
      expect(blocked[0]!.some((r) => r.startsWith(`${code}:`))).toBe(true);
      const [verdict] = await b.app.storage.audit.find({ kind: 'risk', symbol: SYMBOL, limit: 1 });
      expect(verdict?.data['ok']).toBe(false);
      expect(verdict?.data['codes']).toContain(code);
      expect(Object.keys(verdict?.data['limits'] as object).length).toBeGreaterThan(5);
      // "Why didn't it buy?": the refused rule with its threshold and the value it observed, as decimal strings.
      const refused = (verdict?.data['violations'] as { code: string; message: string; limit?: string; observed?: string }[]).find((v) => v.code === code);
      expect(refused?.message).toEqual(expect.any(String));
      const decimal = /^-?\d+(\.\d+)?$/;
      if (code !== 'RISK.TRADING_STATE') expect(refused?.limit).toMatch(decimal);
      // A book too thin for the size has no slippage to observe; a halt has no number at all.
      if (code !== 'RISK.TRADING_STATE' && code !== 'RISK.SLIPPAGE') expect(refused?.observed).toMatch(decimal);
    });

    it('reconciliation settles an order left in flight, once, and the position follows', async () => {
      const first = await start();
      first.strategy.next = 'buy';
      await first.step('eval');
      const [o] = await first.orders();
      // Forget the answer: as if the process died after sending (status back to in_flight, nothing filled), then restart.
      await first.app.orchestrator.stop();
      await first.app.storage.unitOfWork.run(async (tx) => {
        await tx.orders.update(o!.clientOrderId, { status: 'in_flight', filledBase: ZERO, filledQuote: ZERO, fee: ZERO, updatedAt: first.vs.now() });
        const pos = (await tx.positions.get(SYMBOL))!;
        await tx.positions.save({ ...pos, baseQty: ZERO, avgEntry: ZERO, openedAt: null }, pos.version);
      });
      await first.app.close();
      const b = await start();
      await b.step('reconcile');
      await b.step('reconcile');
      const [after] = await b.orders();
      expect(after?.status).toBe('filled');
      expect(str(await position(b))).toBe(str(after!.filledBase.minus(after!.fee)));
      expect(str(await position(b))).toBe(str(await venueBase(b)));
      const repaired = await b.app.storage.audit.find({ kind: 'reconcile', symbol: SYMBOL });
      expect(repaired.filter((r) => r.summary.startsWith('repaired order'))).toHaveLength(1);
      expect(b.app.orchestrator.status().trading).toBe('active');
    });

    it('a position the venue cannot back halts entries until a clean pass; exits still run', async () => {
      const first = await start();
      first.strategy.next = 'buy';
      await first.step('eval');
      const pos = (await first.app.storage.positions.get(SYMBOL))!;
      // The books say twice what the venue holds, written while the bot is down (the core holds its books in memory).
      await first.app.orchestrator.stop();
      await first.app.storage.positions.save({ ...pos, baseQty: pos.baseQty.times('2') }, pos.version);
      await first.app.close();
      const b = await start();
      // The reconcile at start found it.
      expect(b.app.orchestrator.status().trading).toBe('halted');
      expect(b.app.orchestrator.status().haltReasons.join()).toContain('RECONCILE.MISMATCH');
      expect(str(await position(b))).toBe(str(await venueBase(b)));
      await b.step('reconcile');
      expect(b.app.orchestrator.status().trading).toBe('active');
    });

    it("the watchdog refreshes the dead man's switch, and a stalled loop trips it and halts entries", async () => {
      const b = await start({ DMS_TIMEOUT_MS: '5000' });
      const stalls: string[] = [];
      b.app.bus.subscribe('safety.dms_tripped', 'spec', (e) => {
        stalls.push(e.detail);
      });
      await b.step('eval');
      await b.step('exits');
      await b.step('reconcile');
      await b.step('watchdog');
      if (world.countdownArmed(SYMBOL) !== null) expect(world.countdownArmed(SYMBOL)).toBe(true);
      expect(b.app.orchestrator.status().trading).toBe('active');
      // The eval loop stops finishing (a hung data source); time passes beyond DMS_TIMEOUT_MS.
      b.market.hang = true;
      void b.step('eval');
      // Until the step hangs on the data source, it may still be reading the venue (the core's eval
      // step reads the balances first): a read cut off by the spec's end would outlive it.
      while (b.market.hanging === 0) await new Promise((r) => setTimeout(r, 5));
      await b.vs.advance(6_000);
      await b.step('watchdog');
      await b.app.bus.drain();
      expect(b.app.orchestrator.status().trading).toBe('halted');
      expect(b.app.orchestrator.status().haltReasons.join()).toContain('DMS.STALL');
      expect(stalls).toHaveLength(1);
      expect(stalls[0]).toContain('eval');
      expect(stalls[0]).not.toContain('exits'); // a loop with a long interval is not stalled, only the stuck one
    });
  });
}
