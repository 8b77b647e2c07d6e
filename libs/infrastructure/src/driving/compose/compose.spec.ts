import * as fs from 'node:fs';
import { join } from 'node:path';
import { VirtualScheduler } from '@cab/application';
import { RecordingLogger, deferred } from '@cab/application/testing';
import { ScriptedMarketData, ScriptedStrategy } from './testing/scripted';
import { systemClock } from '../../driven/time/system-time';
import { SequentialIds } from '@cab/domain/testing';
import { parseSettings, type Settings } from '../../settings';
import { FakeTelegramApi, tempDir } from '../../testing';
import { ExchangeMarketData } from '../../driven/market-data/exchange-market-data';
import { openSqliteStorage } from '../../driven/storage/sqlite-storage';
import { compose, type BotApp } from './compose';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

function settingsFor(dir: string, env: Record<string, string> = {}): Settings {
  return parseSettings({ DB_PATH: join(dir, 'bot.db'), MARKET_DATA: 'replay', ...env }, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
}

describe('compose (paper, replay, virtual time)', () => {
  let tmp: { dir: string; cleanup: () => void };
  let app: BotApp | null = null;
  beforeEach(() => {
    tmp = tempDir('cab-compose-');
  });
  afterEach(async () => {
    await app?.close();
    app = null;
    tmp.cleanup();
  });

  it('trades the strategy STRATEGY names, with STRATEGY_PARAMS', async () => {
    const vs = new VirtualScheduler({ startMs: T0 });
    app = await compose(settingsFor(tmp.dir, { STRATEGY: 'mean_reversion', STRATEGY_PARAMS: '{"bbPeriod":30}' }), {
      clock: vs,
      scheduler: vs,
      timers: vs,
      ids: new SequentialIds('id-'),
    });
    await app.orchestrator.start();
    await vs.advance(1_000);
    const [signal] = await app.storage.audit.find({ kind: 'signal', limit: 1 });
    expect(signal?.summary).toMatch(/^mean_reversion: (buy|sell|hold)$/);
    await app.orchestrator.stop();
  });

  it('starts (reconciling first), runs every loop on the scheduler, and stops and starts again', async () => {
    const vs = new VirtualScheduler({ startMs: T0 });
    const logger = new RecordingLogger();
    // The seed's live intervals (3 s evaluation, 5 s exits), set explicitly: the replay's own default is half a candle.
    app = await compose(settingsFor(tmp.dir, { EVAL_INTERVAL_SEC: '3', EXITS_INTERVAL_SEC: '5' }), {
      clock: vs,
      scheduler: vs,
      timers: vs,
      ids: new SequentialIds('id-'),
      logger,
    });
    expect(app.orchestrator.status().state).toBe('stopped');
    // …which at REPLAY_SPEED=60 (a candle a second) skips candles: said at start.
    expect(logger.at('warn').some((e) => /loops slower than the replayed candles/.test(e.msg))).toBe(true);
    await app.orchestrator.start();
    await app.orchestrator.start(); // idempotent
    const s = app.orchestrator.status();
    expect(s.state).toBe('running');
    expect(s.mode).toBe('paper');
    expect(s.symbols).toEqual(['BTC/USDT']);
    expect(s.loops.reconcile.runs).toBe(1); // the reconcile before any evaluation
    expect(s.loops.eval.runs).toBe(0);
    await vs.advance(60_000);
    const after = app.orchestrator.status();
    expect(after.loops.eval.runs).toBe(20);
    expect(after.loops.exits.runs).toBe(12);
    expect(after.loops.reconcile.runs).toBe(7);
    expect(after.loops.watchdog.runs).toBe(20);
    expect(after.loops.eval.lastError).toBeNull();
    expect(after.trading).toBe('active');
    await app.orchestrator.stop();
    expect(app.orchestrator.status().state).toBe('stopped');
    await vs.advance(60_000);
    expect(app.orchestrator.status().loops.eval.runs).toBe(20);
    await app.orchestrator.start();
    await vs.advance(3_000);
    expect(app.orchestrator.status().loops.eval.runs).toBe(21);
    const health = await app.health.health();
    expect(health.components.map((c) => `${c.name}:${c.status}`)).toEqual(
      expect.arrayContaining(['db:ok', 'broker:ok', 'market_data:ok', 'loops:ok', 'telegram:ok', 'dead_letters:ok']),
    );
  });

  it('a replay evaluates and checks exits twice per replayed candle by default, and does not warn', async () => {
    const vs = new VirtualScheduler({ startMs: T0 });
    const logger = new RecordingLogger();
    app = await compose(settingsFor(tmp.dir), { clock: vs, scheduler: vs, timers: vs, ids: new SequentialIds('id-'), logger });
    await app.orchestrator.start();
    await vs.advance(10_000); // ten replayed candles at ×60
    const s = app.orchestrator.status();
    expect(s.loops.eval.intervalMs).toBe(500);
    expect(s.loops.eval.runs).toBe(20);
    expect(s.loops.exits.runs).toBe(20);
    expect(logger.entries.some((e) => /loops slower/.test(e.msg))).toBe(false);
  });

  it("checkpoints the WAL on the reconcile loop, not inside an order's commit", async () => {
    const vs = new VirtualScheduler({ startMs: T0 });
    const storage = openSqliteStorage({ path: join(tmp.dir, 'bot.db'), clock: vs });
    const checkpoint = storage.housekeeping.checkpoint.bind(storage.housekeeping);
    let checkpoints = 0;
    const counted = { ...storage, housekeeping: { checkpoint: () => (checkpoints++, checkpoint()) } };
    app = await compose(settingsFor(tmp.dir, { RECONCILE_INTERVAL_SEC: '10' }), {
      clock: vs,
      scheduler: vs,
      timers: vs,
      ids: new SequentialIds('id-'),
      storage: counted,
    });
    await app.orchestrator.start();
    expect(checkpoints).toBe(1); // the reconcile before any evaluation
    await vs.advance(60_000);
    expect(checkpoints).toBe(1 + 6);
    expect(app.orchestrator.status().loops.reconcile.lastError).toBeNull();
    await app.close();
    app = null;
    await storage.close(); // an injected storage is the caller's to close
  });

  it('MARKET_DATA=exchange composes the ccxt public market data (loaded lazily: nothing is fetched here)', async () => {
    app = await compose(settingsFor(tmp.dir, { MARKET_DATA: 'exchange' }), { logger: new RecordingLogger() });
    expect(app.marketData).toBeInstanceOf(ExchangeMarketData);
    expect(app.marketData.name).toBe('exchange');
  });

  it('stop() on real timers finishes the evaluation in flight before it resolves', async () => {
    const market = new ScriptedMarketData(systemClock);
    market.setPrice('BTC/USDT', '50000');
    const gate = deferred();
    const settings = settingsFor(tmp.dir, {
      EVAL_INTERVAL_SEC: '0.02',
      EXITS_INTERVAL_SEC: '3600',
      RECONCILE_INTERVAL_SEC: '3600',
      WATCHDOG_INTERVAL_SEC: '3600',
    });
    app = await compose(settings, { marketData: market, strategy: new ScriptedStrategy(), logger: new RecordingLogger() });
    market.gate = gate.promise;
    await app.orchestrator.start();
    while (!app.orchestrator.status().loops.eval.running) await new Promise((r) => setTimeout(r, 5));
    let stopped = false;
    const stopping = app.orchestrator.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    expect(app.orchestrator.status().state).toBe('stopping');
    market.gate = null;
    gate.resolve();
    await stopping;
    const s = app.orchestrator.status();
    expect(s.state).toBe('stopped');
    expect(s.loops.eval.runs).toBe(1);
    expect(s.loops.eval.lastError).toBeNull();
    await new Promise((r) => setTimeout(r, 60));
    expect(app.orchestrator.status().loops.eval.runs).toBe(1);
  });

  it('a subscriber that throws never breaks the publisher: its event lands in the dlq table, logged and counted', async () => {
    const vs = new VirtualScheduler({ startMs: T0 });
    const logger = new RecordingLogger();
    app = await compose(settingsFor(tmp.dir), { clock: vs, scheduler: vs, timers: vs, logger });
    app.bus.subscribe('safety.halted', 'broken-journal', () => {
      throw new Error('journal down');
    });
    await app.orchestrator.halt('spec');
    await app.bus.drain();
    expect(app.orchestrator.status().trading).toBe('halted');
    const letters = await app.storage.dlq.list();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ topic: 'safety.halted', subscriber: 'broken-journal', error: 'journal down' });
    expect(JSON.parse(letters[0]!.payload)).toMatchObject({ code: 'OPERATOR', reason: 'spec' });
    expect(logger.at('warn').some((e) => e.msg === 'event dead-lettered')).toBe(true);
    expect(app.deadLetters.counts().total).toBe(1);
    const health = await app.health.health();
    expect(health.components.find((c) => c.name === 'dead_letters')?.status).toBe('degraded');
  });

  it('sends Telegram alerts for halts to the Bot API at TELEGRAM_API_URL (a loopback fake)', async () => {
    const fake = new FakeTelegramApi();
    const url = await fake.start();
    try {
      const vs = new VirtualScheduler({ startMs: T0 });
      app = await compose(settingsFor(tmp.dir, { TELEGRAM_BOT_TOKEN: '123:secret-token', TELEGRAM_CHAT_ID: '42', TELEGRAM_API_URL: url }), {
        clock: vs,
        scheduler: vs,
        timers: vs,
        logger: new RecordingLogger(),
      });
      await app.orchestrator.halt('maintenance window');
      await app.bus.drain();
      // Until the alert arrives (a busy machine may take seconds), not for a fixed number of tries.
      const deadline = Date.now() + 60_000;
      while (fake.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(fake.texts().join('\n')).toContain('maintenance window');
      expect(fake.requests[0]?.path).toContain('/bot123:secret-token/sendMessage');
    } finally {
      await app?.close();
      app = null;
      await fake.close();
    }
  });
});
