import { dec, str, type IdGenerator } from '@cab/domain';
import { T0 } from '@cab/domain/testing';
import { InProcessEventBus } from '../events/in-process-event-bus';
import type { TopicName } from '../events/topics';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import type { CountdownSwitch } from '../safety/countdown-switch';
import { VirtualScheduler } from '../scheduling/virtual-scheduler';
import { CoreControl } from '../control/core-control';
import {
  aTradingCore,
  InMemoryDeadLetterSink,
  InMemoryStorage,
  RecordingLogger,
  RecordingMetrics,
  ScriptedVenue,
  STOP_AND_TRAIL,
  SYMBOL,
  TF,
} from '../testing';
import { deferred } from '../testing/deferred';
import { CoreRuntime } from './core-runtime';
import { VenueCache } from './venue-cache';

/** Eval every 10 s, exits every 5 s, reconcile every 30 s, watchdog every 10 s (wall time of the VirtualScheduler). */
const INTERVALS = { eval: 10_000, exits: 5_000, reconcile: 30_000, watchdog: 10_000 };
const DMS_MS = 60_000;

class CountingIds implements IdGenerator {
  private n = 0;
  next(): string {
    return `id-${++this.n}`;
  }
}

/** The exchange's countdown as a spec sees it: every arm and disarm, in order. */
class RecordingCountdown implements CountdownSwitch {
  readonly calls: string[] = [];
  async arm(symbol: string, timeoutMs: number) {
    this.calls.push(`arm ${symbol} ${timeoutMs}`);
    return { ok: true as const, value: undefined };
  }
  async disarm(symbol: string) {
    this.calls.push(`disarm ${symbol}`);
    return { ok: true as const, value: undefined };
  }
}

function setup(storage?: InMemoryStorage, sched = new VirtualScheduler({ startMs: Math.floor(T0 / TF) * TF + 1_000 })) {
  const store = storage ?? new InMemoryStorage(sched);
  const venue = new ScriptedVenue(sched, SYMBOL, TF);
  const view = new VenueCache(venue);
  const { core, next } = aTradingCore({ clock: sched, venue: view, risk: { maxSpreadPct: dec('0.01') }, exits: STOP_AND_TRAIL });
  const ids = new CountingIds();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const bus = new InProcessEventBus({ clock: sched, ids, deadLetters: new InMemoryDeadLetterSink() });
  const topics: TopicName[] = [];
  for (const t of ['order.filled', 'order.in_flight', 'trade.completed', 'safety.halted', 'safety.resumed', 'reconcile.mismatch', 'watchdog.stall'] as const)
    bus.subscribe(t, 'spec', () => void topics.push(t));
  const countdown = new RecordingCountdown();
  const runtime = new CoreRuntime({
    mode: 'live',
    core,
    venue: view,
    broker: venue,
    marketData: venue,
    stores: store,
    bus,
    logger,
    metrics,
    ids,
    clock: sched,
    scheduler: sched,
    intervalsMs: INTERVALS,
    idempotencyTtlMs: 3_600_000,
    countdown,
    dmsTimeoutMs: DMS_MS,
  });
  const control = new CoreControl({ runtime, orders: store.orders, clock: sched, logger });
  /** Moves the wall clock, runs every timer due, then waits until what they set off is carried out. */
  const advance = async (ms: number): Promise<void> => {
    await sched.advance(ms);
    await runtime.idle();
    await bus.drain();
  };
  return { sched, storage: store, venue, next, core, runtime, control, metrics, logger, topics, countdown, bus, advance };
}

describe('CoreRuntime: paper and live on the trading core, behind the OrchestratorControl façade', () => {
  it('starts with the venue read and the store reconciled before any evaluation, then trades a closed candle: write-ahead, fill, position, audit, bus and metrics', async () => {
    const t = setup();
    await t.runtime.start();
    // Recovery's reconcile ran before the timers: the venue was looked at, nothing was sent.
    expect(t.venue.calls.slice(0, 3)).toEqual(['instrument', 'balance', 'open orders']);
    expect(t.venue.calls.some((c) => c.startsWith('buy'))).toBe(false);
    expect(t.runtime.status()).toMatchObject({ state: 'running', trading: 'active', mode: 'live', symbols: [SYMBOL] });
    expect(t.runtime.status().loops.reconcile.runs).toBe(1);

    // The first poll seeds the strategy (no decision on history); the next closed candle is evaluated.
    await t.advance(INTERVALS.eval);
    t.next.action = 'buy';
    await t.advance(TF);
    const buys = t.venue.calls.filter((c) => c.startsWith('buy'));
    expect(buys).toHaveLength(1);
    const coid = buys[0]!.slice(4);
    expect(await t.storage.orders.byClientOrderId(coid)).toMatchObject({ status: 'filled', side: 'buy' });
    expect(str((await t.storage.positions.get(SYMBOL))!.baseQty)).toBe(str(t.core.position(SYMBOL).baseQty));
    expect(t.core.position(SYMBOL).baseQty.gt('0')).toBe(true);
    expect(t.topics).toEqual(expect.arrayContaining(['order.filled', 'trade.completed']));
    const kinds = (await t.storage.audit.find({ limit: 100 })).map((a) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(['signal', 'risk', 'order']));
    expect(t.metrics.count(PIPELINE_METRICS.orders, { symbol: SYMBOL, side: 'buy', outcome: 'filled' })).toBe(1);
    // From the write-ahead to the venue's answer, once per order sent.
    expect(t.metrics.observed(PIPELINE_METRICS.orderSeconds, { side: 'buy' })).toHaveLength(1);
    expect(t.metrics.observed(PIPELINE_METRICS.orderSeconds, { side: 'buy' })[0]).toBeGreaterThanOrEqual(0);
    expect(t.metrics.gaugeValue(PIPELINE_METRICS.positionBase, { symbol: SYMBOL })).toBeGreaterThan(0);
    // The balance after the fill reached the VenueView the next decision reads.
    await t.runtime.idle();
    expect(str(t.runtime['opts'].venue.balance(SYMBOL)!.freeBase)).toBe(str(t.venue.freeBase));
    await t.runtime.stop();
  });

  it('reports its timers as the four loops, and the watchdog arms the countdown while they run, halts DMS.STALL when the market data stalls, and stop disarms', async () => {
    const t = setup();
    await t.runtime.start();
    await t.advance(30_000);
    const loops = t.runtime.status().loops;
    expect(Object.keys(loops).sort()).toEqual(['eval', 'exits', 'reconcile', 'watchdog']);
    expect(loops.eval.runs).toBeGreaterThanOrEqual(3);
    expect(loops.exits.runs).toBeGreaterThanOrEqual(6);
    expect(loops.watchdog.runs).toBeGreaterThanOrEqual(3);
    expect(t.countdown.calls).toContain(`arm ${SYMBOL} ${DMS_MS}`);

    // The market data timers die (a timer that never fires again): they owe a run for longer than DMS_TIMEOUT_MS.
    await t.sched.stop('eval');
    await t.sched.stop('exits');
    const armsBefore = t.countdown.calls.filter((c) => c.startsWith('arm')).length;
    await t.sched.advance(DMS_MS + 3 * INTERVALS.watchdog);
    await t.bus.drain();
    expect(t.runtime.status().trading).toBe('halted');
    expect(t.runtime.status().haltReasons.join()).toMatch(/DMS\.STALL/);
    expect(t.topics).toEqual(expect.arrayContaining(['watchdog.stall', 'safety.halted']));
    // Not refreshed while stalled: the exchange cancels our orders when it runs out.
    const armsDuring = t.countdown.calls.filter((c) => c.startsWith('arm')).length;
    await t.sched.advance(3 * INTERVALS.watchdog);
    expect(t.countdown.calls.filter((c) => c.startsWith('arm')).length).toBe(armsDuring);
    expect(armsDuring).toBeGreaterThanOrEqual(armsBefore);
    await t.runtime.stop();
    expect(t.countdown.calls[t.countdown.calls.length - 1]).toBe(`disarm ${SYMBOL}`);
  });

  it('stop waits for a send in flight, then disarms the countdown; the order is stored as the venue answered it', async () => {
    const t = setup();
    await t.runtime.start();
    await t.advance(INTERVALS.eval);
    t.venue.sends = 'hold';
    t.next.action = 'buy';
    await t.sched.advance(TF);
    expect(t.venue.calls.filter((c) => c.startsWith('buy'))).toHaveLength(1);
    let stopped = false;
    const stopping = t.runtime.stop().then(() => (stopped = true));
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    expect(stopped).toBe(false);
    expect(t.runtime.status().state).toBe('stopping');
    t.venue.release();
    await stopping;
    expect(t.runtime.status().state).toBe('stopped');
    expect(t.countdown.calls[t.countdown.calls.length - 1]).toBe(`disarm ${SYMBOL}`);
    const [order] = await t.storage.orders.find({ symbol: SYMBOL, limit: 10 });
    expect(order).toMatchObject({ status: 'filled' });
  });

  it('an operator action before start whose recovery fails (the store unreadable) answers CONTROL.FAILED; once the store reads, it acts and start succeeds', async () => {
    const t = setup();
    const actor = { via: 'dashboard' as const, who: 'session 1' };
    const halts = t.storage.safety.halts.bind(t.storage.safety);
    let down = true;
    t.storage.safety.halts = () => (down ? Promise.reject(new Error('disk I/O error')) : halts());
    expect(await t.control.stopEntries(actor, 'not yet')).toMatchObject({
      ok: false,
      error: { code: 'CONTROL.FAILED', message: expect.stringContaining('disk I/O error') },
    });
    expect(t.runtime.status().trading).toBe('active');
    down = false;
    expect(await t.control.stopEntries(actor, 'not yet')).toMatchObject({ ok: true });
    expect(await t.control.start(actor)).toEqual({ ok: true, value: undefined });
    expect(t.runtime.halts().map((h) => h.code)).toEqual(['OPERATOR.ENTRIES']);
    await t.control.stop(actor);
  });

  it("a send's answer that lands while a reconcile pass reads the venue is the send's, not a repair of the pass", async () => {
    const t = setup();
    const repaired: unknown[] = [];
    t.bus.subscribe('reconcile.repaired', 'spec', (e) => void repaired.push(e));
    await t.runtime.start();
    await t.advance(INTERVALS.eval);
    t.venue.sends = 'hold';
    t.next.action = 'buy';
    await t.sched.advance(TF);
    t.next.action = 'hold';
    // The pass's first read waits until the spec lets it answer; the buy's answer lands meanwhile.
    const reads = deferred();
    const openOrders = t.venue.fetchOpenOrders.bind(t.venue);
    t.venue.fetchOpenOrders = async () => {
      await reads.promise;
      return openOrders();
    };
    const pass = t.runtime.reconcileNow();
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
    t.venue.release();
    await t.runtime.idle();
    reads.resolve();
    const findings = await pass;
    await t.bus.drain();
    expect(t.core.position(SYMBOL).openedAt).not.toBeNull();
    expect(findings).toMatchObject({ mismatches: 0, repaired: 0 });
    expect(repaired).toEqual([]);
    await t.runtime.stop();
  });

  it('a settlement the store refuses halts STORE.WRITE (status, bus, gauge); the watchdog cadence retries it and clears the halt once it is written; resume does not clear it', async () => {
    const t = setup();
    await t.runtime.start();
    await t.advance(INTERVALS.eval);
    t.venue.sends = 'hold';
    t.next.action = 'buy';
    await t.sched.advance(TF);
    const coid = t.venue.calls.find((c) => c.startsWith('buy'))!.slice(4);
    // The store fails from here on (the write-ahead is committed): the fill's unit of work is refused.
    const uow = storeThatFails(t.storage);
    t.next.action = 'hold';
    t.venue.release();
    await t.runtime.idle();
    await t.bus.drain();
    expect(t.runtime.status()).toMatchObject({ trading: 'halted', haltReasons: [expect.stringMatching(/^STORE\.WRITE: .*disk I\/O error/)] });
    expect(t.topics).toContain('safety.halted');
    expect(t.metrics.gaugeValue(PIPELINE_METRICS.storeWriteBacklog)).toBe(1);
    expect(t.logger.at('error')).toContainEqual(
      expect.objectContaining({ msg: 'a core command could not be carried out', fields: expect.objectContaining({ what: expect.stringMatching(/filled/) }) }),
    );
    expect((await t.storage.orders.byClientOrderId(coid))?.status).toBe('new');
    // Not the operator's to lift: the store still lags.
    await t.runtime.resume('spec');
    expect(t.runtime.status().haltReasons).toEqual([expect.stringMatching(/^STORE\.WRITE/)]);
    await t.advance(INTERVALS.watchdog);
    expect(t.runtime.status().trading).toBe('halted');

    uow.down = false;
    await t.advance(INTERVALS.watchdog);
    expect(t.runtime.status()).toMatchObject({ trading: 'active', haltReasons: [] });
    expect(t.metrics.gaugeValue(PIPELINE_METRICS.storeWriteBacklog)).toBe(0);
    expect((await t.storage.orders.byClientOrderId(coid))?.status).toBe('filled');
    expect(str((await t.storage.positions.get(SYMBOL))!.baseQty)).toBe(str(t.core.position(SYMBOL).baseQty));
    await t.runtime.stop();
    expect(t.logger.at('error').map((e) => e.msg)).not.toContain(
      'store writes could not be written before the stop: the store lags until the next start reconciles it',
    );
  });

  it('stop tries the waiting store writes once more and says loudly what it could not write', async () => {
    const t = setup();
    await t.runtime.start();
    await t.advance(INTERVALS.eval);
    t.venue.sends = 'hold';
    t.next.action = 'buy';
    await t.sched.advance(TF);
    const coid = t.venue.calls.find((c) => c.startsWith('buy'))!.slice(4);
    const uow = storeThatFails(t.storage);
    t.venue.release();
    await t.runtime.idle();
    const before = uow.failures;
    await t.runtime.stop();
    expect(uow.failures).toBe(before + 1);
    const lost = t.logger.at('error').find((e) => e.msg.startsWith('store writes could not be written before the stop'));
    expect(lost?.fields).toMatchObject({
      count: 1,
      writes: [expect.stringMatching(new RegExp(`^order ${coid} filled; 1 fill\\(s\\) .*; position ${SYMBOL} \\(2 attempt\\(s\\): .*disk I/O error\\)$`))],
    });
  });

  it('an ambiguous answer leaves the buy in flight and it is never sent again; the next reconcile settles it from the venue', async () => {
    const t = setup();
    await t.runtime.start();
    await t.advance(INTERVALS.eval);
    t.venue.sends = 'ambiguous';
    t.next.action = 'buy';
    await t.advance(INTERVALS.eval);
    const [first] = t.venue.calls.filter((c) => c.startsWith('buy'));
    const coid = first!.slice(4);
    expect(t.core.order(coid)).toMatchObject({ status: 'in_flight' });
    expect(t.topics).toContain('order.in_flight');
    // More buy candles: the core counts the order in flight, nothing is re-sent.
    t.venue.sends = 'fill';
    await t.advance(2 * TF);
    expect(t.venue.calls.filter((c) => c.startsWith('buy'))).toEqual([first]);
    // The reconcile timer looked the order up on the venue and settled it.
    expect(await t.storage.orders.byClientOrderId(coid)).toMatchObject({ status: 'filled' });
    expect(t.core.position(SYMBOL).baseQty.gt('0')).toBe(true);
    await t.runtime.stop();
  });

  it('a reconcile that finds less on the venue than the position halts RECONCILE.MISMATCH; reconcileNow reports it; resume clears every halt', async () => {
    const t = setup();
    await t.runtime.start();
    await t.advance(INTERVALS.eval);
    t.next.action = 'buy';
    await t.advance(TF);
    t.next.action = 'hold';
    t.venue.balanceOverride = { freeBase: dec('0') };
    const findings = await t.runtime.reconcileNow();
    await t.runtime.idle();
    await t.bus.drain();
    expect(findings.halting).toHaveLength(1);
    expect(findings.errors).toEqual([]);
    expect(t.runtime.status()).toMatchObject({ trading: 'halted' });
    expect(t.runtime.halts().map((h) => h.code)).toEqual(['RECONCILE.MISMATCH']);
    expect(t.topics).toEqual(expect.arrayContaining(['reconcile.mismatch', 'safety.halted']));
    expect(t.metrics.count(PIPELINE_METRICS.halts, { code: 'RECONCILE.MISMATCH' })).toBe(1);
    expect((await t.storage.safety.halts()).map((h) => h.code)).toEqual(['RECONCILE.MISMATCH']);
    await t.runtime.resume('spec');
    expect(t.runtime.status().trading).toBe('active');
    expect(await t.storage.safety.halts()).toEqual([]);
    await t.runtime.stop();
  });

  it('reconcileNow on a runtime not started (the CLI) loads the store first: a stored position the venue cannot back is set down to it and reported', async () => {
    const t = setup();
    await t.runtime.start();
    await t.advance(INTERVALS.eval);
    t.next.action = 'buy';
    await t.advance(TF);
    const held = t.core.position(SYMBOL).baseQty;
    expect(held.gt('0')).toBe(true);
    await t.runtime.stop();

    const cli = setup(t.storage, t.sched);
    cli.venue.freeBase = dec('0');
    const findings = await cli.runtime.reconcileNow();
    await cli.bus.drain();
    expect(findings.mismatches).toBe(1);
    expect(findings.halting).toEqual([expect.stringMatching(/BTC less than the position/)]);
    expect(findings.repaired).toBe(1);
    expect(str((await cli.storage.positions.get(SYMBOL))!.baseQty)).toBe('0');
    expect(cli.runtime.halts().map((h) => h.code)).toEqual(['RECONCILE.MISMATCH']);
    // One reconcile pass: the recovery's.
    expect(cli.runtime.status().loops.reconcile.runs).toBe(1);
    expect(cli.runtime.status().state).toBe('stopped');
  });

  it('a lost instance lock halts through the core (LOCK.LOST, persisted); a restart on the same store keeps the halt and the position and sends nothing on start', async () => {
    const t = setup();
    await t.runtime.start();
    await t.advance(INTERVALS.eval);
    t.next.action = 'buy';
    await t.advance(TF);
    t.runtime.edgeHalt('LOCK.LOST', 'halted', 'instance lock lost: stolen');
    await t.runtime.idle();
    expect(t.runtime.status().haltReasons).toEqual(['LOCK.LOST: instance lock lost: stolen']);
    const held = t.core.position(SYMBOL).baseQty;
    await t.runtime.stop();

    const again = setup(t.storage, t.sched);
    again.venue.freeBase = t.venue.freeBase;
    again.next.action = 'buy';
    await again.runtime.start();
    await again.advance(TF);
    expect(again.runtime.status().trading).toBe('halted');
    expect(again.runtime.halts().map((h) => h.code)).toEqual(['LOCK.LOST']);
    expect(str(again.core.position(SYMBOL).baseQty)).toBe(str(held));
    expect(again.venue.calls.filter((c) => c.startsWith('buy'))).toEqual([]);
    await again.runtime.stop();
  });

  it("Gate's answers carry no trades: the fills table still holds the venue's trade, read before the core sees the answer (send and reconcile look)", async () => {
    const t = setup();
    t.venue.answersWithoutTrades = true;
    await t.runtime.start();
    await t.advance(INTERVALS.eval);
    t.next.action = 'buy';
    await t.advance(INTERVALS.eval);
    const [buy] = t.venue.calls.filter((c) => c.startsWith('buy'));
    const coid = buy!.slice(4);
    expect((await t.storage.fills.byOrder(coid)).map((f) => f.tradeId)).toEqual(t.venue.orders.get(coid)!.fills.map((f) => f.id));
    // A lost answer, settled by a reconcile look that has no trades either.
    t.venue.sends = 'ambiguous';
    t.next.action = 'hold';
    await t.advance(TF);
    t.next.action = 'sell';
    await t.advance(INTERVALS.eval);
    const [sell] = t.venue.calls.filter((c) => c.startsWith('sell'));
    const sold = sell!.slice(5);
    expect(t.core.order(sold)).toMatchObject({ status: 'in_flight' });
    t.venue.sends = 'fill';
    t.next.action = 'hold';
    await t.advance(INTERVALS.reconcile);
    expect(await t.storage.orders.byClientOrderId(sold)).toMatchObject({ status: 'filled' });
    expect((await t.storage.fills.byOrder(sold)).map((f) => f.tradeId)).toEqual(t.venue.orders.get(sold)!.fills.map((f) => f.id));
    await t.runtime.stop();
  });

  it('an operator action or an edge halt before start (AUTOSTART=false) acts on the restored core, and start then succeeds with it in force', async () => {
    const t = setup();
    const actor = { via: 'telegram' as const, who: 'chat 1' };
    expect(await t.control.stopEntries(actor, 'not yet')).toMatchObject({ ok: true });
    expect(t.runtime.status().trading).toBe('reducing');
    t.runtime.edgeHalt('DMS.STALL', 'halted', 'before start');
    expect(await t.control.start(actor)).toEqual({ ok: true, value: undefined });
    expect(t.runtime.status().state).toBe('running');
    expect(t.runtime.halts().map((h) => h.code)).toEqual(['OPERATOR.ENTRIES', 'DMS.STALL']);
    // The operator's resume clears the operator's stop; DMS.STALL is the watchdog's to clear.
    expect(await t.control.resume(actor)).toMatchObject({ ok: true });
    expect(t.runtime.halts().map((h) => h.code)).toEqual(['DMS.STALL']);
    await t.control.stop(actor);
  });

  it('TradingControl on the core: stop entries, a force exit that sells the whole position, refusals, each audited with its actor', async () => {
    const t = setup();
    const actor = { via: 'dashboard' as const, who: 'session 1' };
    expect(await t.control.forceExit(actor, SYMBOL)).toMatchObject({ ok: false, error: { code: 'CONTROL.NO_POSITION' } });
    expect(await t.control.forceExit(actor, 'ETH/USDT')).toMatchObject({ ok: false, error: { code: 'CONTROL.UNKNOWN_SYMBOL' } });
    expect(await t.control.start(actor)).toEqual({ ok: true, value: undefined });
    await t.advance(INTERVALS.eval);
    t.next.action = 'buy';
    await t.advance(TF);
    t.next.action = 'hold';
    const held = t.core.position(SYMBOL).baseQty;

    expect(await t.control.stopEntries(actor, 'lunch')).toMatchObject({ ok: true });
    expect(t.runtime.status().trading).toBe('reducing');

    const exit = await t.control.forceExit(actor, SYMBOL);
    // The whole position, down to the pair's amount step (what is left is dust, and the round trip is closed).
    expect(exit).toMatchObject({ ok: true, value: { symbol: SYMBOL, status: 'filled', qty: str(held.round(6, 0)) } });
    expect(t.core.position(SYMBOL).openedAt).toBeNull();

    expect(await t.control.cancelOrder(actor, 'nope')).toMatchObject({ ok: false, error: { code: 'CONTROL.UNKNOWN_ORDER' } });
    if (exit.ok) expect(await t.control.cancelOrder(actor, exit.value.clientOrderId)).toMatchObject({ ok: false, error: { code: 'CONTROL.NOT_OPEN' } });

    expect(await t.control.resume(actor)).toMatchObject({ ok: true });
    expect(t.runtime.status().trading).toBe('active');

    const system = (await t.storage.audit.find({ kind: 'system', limit: 50 })).reverse();
    expect(system.map((a) => a.summary)).toEqual([
      'operator dashboard session 1: force exit BTC/USDT refused: CONTROL.NO_POSITION',
      'operator dashboard session 1: force exit ETH/USDT refused: CONTROL.UNKNOWN_SYMBOL',
      'operator dashboard session 1: start',
      'operator dashboard session 1: stop entries',
      'operator dashboard session 1: force exit BTC/USDT',
      'operator dashboard session 1: cancel refused: CONTROL.UNKNOWN_ORDER',
      'operator dashboard session 1: cancel refused: CONTROL.NOT_OPEN',
      'operator dashboard session 1: resume',
    ]);
    expect(system[4]!.data).toMatchObject({ actor: { via: 'dashboard', who: 'session 1' }, ok: true, outcome: { status: 'filled' } });
    await t.control.stop(actor);
    expect(t.runtime.status().state).toBe('stopped');
  });
});

/** The store's unit of work fails while `down` (what the core writes through; the real one otherwise). */
function storeThatFails(storage: InMemoryStorage): { down: boolean; failures: number } {
  const state = { down: true, failures: 0 };
  const real = storage.unitOfWork.run.bind(storage.unitOfWork);
  (storage.unitOfWork as { run: typeof real }).run = (work) => {
    if (!state.down) return real(work);
    state.failures++;
    return Promise.reject(new Error('SQLITE_IOERR: disk I/O error'));
  };
  return state;
}
