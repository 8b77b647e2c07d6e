import * as fs from 'node:fs';
import { VirtualScheduler, type Broker } from '@cab/application';
import { dec, str, type Decimal } from '@cab/domain';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaperVenue } from '../../driven/venue/paper/paper-venue';
import { REJECT } from '../../driven/venue/reject-codes';
import { makePaperPipelineWorld } from './testing/paper-world';
import { pipelineContract, startBot, type PipelineBot } from './testing/pipeline.contract';
import { RecordingLogger, value } from '@cab/application/testing';

pipelineContract('paper', makePaperPipelineWorld);

/**
 * A crash between the send and the settlement: the strategy buys, the paper broker fills, and from
 * the settlement on no unit of work reaches the store (the process is dying; a kill -9 before the
 * write). The core keeps the refused settlement and retries it (docs/core.md, "Drivers"), so the
 * crash is complete only when the process ends with the store still refusing: the app is closed
 * that way here. Until then the lag is loud: STORE.WRITE halts entries. A new process on the same
 * database must bring the store to the venue: what the venue holds, each trade counted once.
 */
async function buyThenCrashBeforeSettlement(
  bot: PipelineBot,
  /** What happens on the venue between the crash and the end of the process. */
  meanwhile?: () => Promise<void>,
): Promise<{ crashedAt: number; venueBase: Decimal; coid: string }> {
  // From the send on (the write-ahead is committed, by whichever path the store takes), every unit of work fails.
  let dying = false;
  const broker = bot.app.broker;
  const send = broker.createMarketBuyQuote.bind(broker);
  broker.createMarketBuyQuote = (symbol, quote, coid) => ((dying = true), send(symbol, quote, coid));
  const uow = bot.app.storage.unitOfWork;
  const run = uow.run.bind(uow);
  uow.run = (work) => (dying ? Promise.reject(new Error('killed (spec)')) : run(work));
  bot.strategy.next = 'buy';
  await bot.app.orchestrator.runLoopOnce('eval');
  bot.strategy.next = 'hold';
  expect(bot.app.trading.state()).toBe('halted');
  expect(bot.app.trading.reasons().join()).toMatch(/STORE\.WRITE: .*killed \(spec\)/);
  const [order] = await bot.orders();
  expect(order?.status).toBe('new');
  const venueBase = value(await bot.app.broker.fetchBalance('BTC/USDT')).freeBase;
  expect(venueBase.gt('0')).toBe(true);
  const crashedAt = bot.vs.now();
  await meanwhile?.();
  await bot.app.close();
  return { crashedAt, venueBase, coid: order!.clientOrderId };
}

/** The next process on the same database (the paper broker restores its orders), `laterMs` after the crash; `before` patches its venue. */
async function restartAfter(dir: string, crashedAt: number, laterMs: number, before?: (bot: PipelineBot) => void): Promise<PipelineBot> {
  const vs = new VirtualScheduler({ startMs: crashedAt + laterMs });
  const next = await startBot(await makePaperPipelineWorld(), dir, {}, { clock: vs, scheduler: vs, timers: vs });
  before?.(next);
  return next;
}

/** The store agrees with the venue: the order filled, the position what the venue holds, each of the venue's trades stored once. */
async function convergedToTheVenue(bot: PipelineBot, coid: string, venueBase: Decimal): Promise<void> {
  expect(await statuses(bot)).toEqual([[coid, 'filled']]);
  expect(str((await bot.app.storage.positions.get('BTC/USDT'))?.baseQty ?? dec('0'))).toBe(str(venueBase));
  const venueTrades = value(await bot.app.broker.fetchMyTrades('BTC/USDT', 0)).map((t) => t.id);
  expect((await bot.app.storage.fills.byOrder(coid)).map((f) => f.tradeId).sort()).toEqual(venueTrades.sort());
}

/** Gate about an hour after an order finished: lookups by client order id say not found (Gate's CLIENT_ID_NOT_FOUND, as the adapter reports it); by id they still work. */
function forgetClientIds(broker: Broker): void {
  const fetchOrder = broker.fetchOrder.bind(broker);
  broker.fetchOrder = async (symbol, ref) =>
    'clientOrderId' in ref && ref.clientOrderId !== undefined
      ? { ok: false, error: { kind: 'rejected', code: REJECT.NOT_FOUND, message: 'too old for a lookup by client id (spec)' } }
      : fetchOrder(symbol, ref);
}

const paperOf = (bot: PipelineBot): PaperVenue => bot.app.broker as unknown as PaperVenue;
const failed = (code: string) => ({ ok: false as const, error: { kind: 'retryable' as const, code, message: `${code} (spec)` } });
const statuses = async (bot: PipelineBot) => (await bot.orders()).map((o) => [o.clientOrderId, o.status]);

/** A bot that has made its start-up reconcile, loops stopped: the spec runs each pass. */
async function quietBot(dir: string, env: Record<string, string> = {}, before?: (bot: PipelineBot) => void): Promise<PipelineBot> {
  const b = await startBot(await makePaperPipelineWorld(), dir, env);
  before?.(b);
  await b.app.orchestrator.start();
  await b.app.orchestrator.stop();
  return b;
}

async function reconcileAfter(bot: PipelineBot, ms: number): Promise<void> {
  await bot.vs.advance(ms);
  await bot.app.orchestrator.runLoopOnce('reconcile');
}

/** Bought by hand on the exchange: a market order is never open, so only its trades tell us. */
const manualBuy = async (bot: PipelineBot) => value(await paperOf(bot).createMarketBuyQuote('BTC/USDT', dec('100'), 't-manual'));

/** The venue's trades cannot be read until the returned undo. */
function failTradeReads(bot: PipelineBot, code: string): () => void {
  const paper = paperOf(bot);
  const read = paper.fetchMyTrades.bind(paper);
  paper.fetchMyTrades = async () => failed(code);
  return () => void (paper.fetchMyTrades = read);
}

/** The venue answers an error to a lookup of this exchange order id until the returned undo. */
function failOrderLookup(bot: PipelineBot, id: string): () => void {
  const paper = paperOf(bot);
  const fetchOrder = paper.fetchOrder.bind(paper);
  paper.fetchOrder = async (symbol, ref) => ('id' in ref && ref.id === id ? failed('EXCHANGE_UNAVAILABLE') : fetchOrder(symbol, ref));
  return () => void (paper.fetchOrder = fetchOrder);
}

/** The `since` of every trade read from now on, as [symbol, since]; reads of `failing` fail. */
function recordTradeReads(bot: PipelineBot, failing?: string): [string, number | undefined][] {
  const paper = paperOf(bot);
  const read = paper.fetchMyTrades.bind(paper);
  const asked: [string, number | undefined][] = [];
  paper.fetchMyTrades = async (s, since) => (asked.push([s, since]), s === failing ? failed('RATE_LIMITED') : read(s, since));
  return asked;
}

describe('pipeline (paper): beyond the contract', () => {
  let dir: string;
  let bot: PipelineBot | null = null;
  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-paper-'));
  });
  afterEach(async () => {
    await bot?.app.close();
    bot = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two evaluations racing in one bucket still give one order (the key is reserved atomically)', async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir);
    await bot.app.orchestrator.start();
    bot.strategy.next = 'buy';
    await Promise.all([bot.step('eval'), bot.app.orchestrator.runLoopOnce('eval'), bot.step('eval')]);
    const orders = await bot.orders();
    expect(orders).toHaveLength(1);
    expect(orders[0]?.status).toBe('filled');
  });

  it('an order is recorded with the decision that caused it: signal, risk verdict, order entry and outcome, in that order', async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir);
    await bot.app.orchestrator.start();
    // What the database holds when the order reaches the broker (the core's write-ahead, docs/core.md
    // "Drivers"): its row and its idempotency key, committed. The decision's audit entries are not
    // on the send's path (the publisher writes them beside it), so they are not asserted here.
    const atSend: { status: string | undefined; keyFor: string | null | undefined }[] = [];
    const broker = bot.app.broker;
    const send = broker.createMarketBuyQuote.bind(broker);
    broker.createMarketBuyQuote = async (symbol, quote, coid) => {
      const row = (await bot!.orders()).find((o) => o.clientOrderId === coid);
      const key = row?.idempotencyKey ? await bot!.app.storage.idempotency.get(row.idempotencyKey) : undefined;
      atSend.push({ status: row?.status, keyFor: key?.ref });
      return send(symbol, quote, coid);
    };
    bot.strategy.next = 'buy';
    await bot.step('eval');
    const [order] = await bot.orders();
    expect(atSend).toEqual([{ status: 'new', keyFor: order!.clientOrderId }]);
    const [signal] = await bot.app.storage.audit.find({ kind: 'signal', limit: 1 });
    const trail = (await bot.app.storage.audit.find({ correlationId: signal!.correlationId! })).reverse();
    expect(trail.map((a) => a.kind)).toEqual(['signal', 'risk', 'order', 'order']);
    expect(trail[2]?.summary).toMatch(new RegExp(`^placing buy 100 quote as ${order!.clientOrderId}`));
    expect(trail[3]?.summary).toMatch(/ new → filled /);
    expect(await bot.orders()).toHaveLength(1);
  });

  it('an order the venue refuses is recorded with its decision too, and so is one whose outcome could not be stored', async () => {
    const logger = new RecordingLogger();
    bot = await startBot(await makePaperPipelineWorld(), dir, {}, { logger });
    await bot.app.orchestrator.start();
    const broker = bot.app.broker;
    broker.createMarketBuyQuote = async () => ({ ok: false, error: { kind: 'rejected', code: 'SPEC.REFUSED', message: 'refused by the spec' } });
    bot.strategy.next = 'buy';
    await bot.step('eval');
    const [signal] = await bot.app.storage.audit.find({ kind: 'signal', limit: 1 });
    const trail = (await bot.app.storage.audit.find({ correlationId: signal!.correlationId! })).reverse();
    expect(trail.map((a) => a.kind)).toEqual(['signal', 'risk', 'order', 'order']);
    expect(trail[3]?.summary).toMatch(/ new → rejected /);
    expect(trail[3]?.data['error']).toMatch(/^rejected SPEC\.REFUSED: /);
    expect((await bot.orders()).map((o) => o.status)).toEqual(['rejected']);

    // The outcome's transaction throws (the first unit of work after the send, whichever path the
    // write-ahead took): the decision's entries are written all the same (they do not ride on it), and
    // the failed write is logged.
    const refuse = broker.createMarketBuyQuote;
    let sent = false;
    broker.createMarketBuyQuote = (symbol, quote, coid) => ((sent = true), refuse(symbol, quote, coid));
    const settle = bot.app.storage.unitOfWork.run.bind(bot.app.storage.unitOfWork);
    let failedOnce = false;
    bot.app.storage.unitOfWork.run = (work) => (sent && !failedOnce ? ((failedOnce = true), Promise.reject(new Error('disk full (spec)'))) : settle(work));
    await bot.vs.advance(120_000);
    await expect(bot.app.orchestrator.runLoopOnce('eval')).resolves.toBeUndefined();
    expect(failedOnce).toBe(true);
    // The step hands over the two candles closed meanwhile; the first one's decision placed the order.
    const placing = (await bot.app.storage.audit.find({ kind: 'order' })).filter((a) => a.summary.startsWith('placing'));
    expect(placing).toHaveLength(2);
    const second = (await bot.app.storage.audit.find({ correlationId: placing[0]!.correlationId! })).reverse();
    expect(second.map((a) => a.summary.replace(/ .*/, ''))).toEqual(['scripted:', 'buy', 'placing', 'buy']);
    expect(second[3]?.summary).toMatch(/ new → rejected /);
    const failed = logger.at('error').filter((e) => e.msg === 'a core command could not be carried out');
    expect(failed.map((e) => [e.fields['command'], e.fields['error']])).toEqual([['persist', expect.stringMatching(/disk full \(spec\)/)]]);
  });

  it('a failure after the outcome committed (here the halt on a fatal refusal) does not record the decision twice', async () => {
    const logger = new RecordingLogger();
    bot = await startBot(await makePaperPipelineWorld(), dir, {}, { logger });
    await bot.app.orchestrator.start();
    bot.app.broker.createMarketBuyQuote = async () => ({ ok: false, error: { kind: 'fatal', code: 'SPEC.FATAL', message: 'keys revoked (spec)' } });
    bot.app.storage.safety.saveHalt = () => Promise.reject(new Error('halt failed (spec)'));
    bot.strategy.next = 'buy';
    await bot.app.orchestrator.runLoopOnce('eval');
    // The halt's write failed: it surfaces (logged, and STORE.WRITE while it waits to be retried), and the
    // halt holds all the same (the core's, in memory).
    const failed = logger.at('error').filter((e) => e.msg === 'a core command could not be carried out');
    expect(failed.map((e) => [e.fields['command'], e.fields['error']])).toEqual([['persist', expect.stringMatching(/halt failed \(spec\)/)]]);
    expect(bot.app.orchestrator.status().trading).toBe('halted');
    expect(bot.app.orchestrator.status().haltReasons).toEqual([
      'BROKER.FATAL: fatal SPEC.FATAL: keys revoked (spec)',
      'STORE.WRITE: a store write failed and waits to be retried: halt failed (spec)',
    ]);
    const [signal] = await bot.app.storage.audit.find({ kind: 'signal', limit: 1 });
    const trail = (await bot.app.storage.audit.find({ correlationId: signal!.correlationId! })).reverse();
    expect(trail.map((a) => a.summary.replace(/ .*/, ''))).toEqual(['scripted:', 'buy', 'placing', 'buy']);
    expect(trail[3]?.data['error']).toMatch(/^fatal SPEC\.FATAL: /);
    expect(await bot.app.storage.audit.find({ kind: 'signal' })).toHaveLength(1);
  });

  it('an order filled on the venue but never settled (a crash), looked up after the venue forgot its client id, is settled from its trades', async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir);
    await bot.app.orchestrator.start();
    const { crashedAt, venueBase, coid } = await buyThenCrashBeforeSettlement(bot);

    // Two hours later Gate no longer answers a lookup by client order id (it does ~1 h after an
    // order finished); the order and its trades are still there by exchange id.
    bot = await restartAfter(dir, crashedAt, 2 * 3_600_000, (b) => forgetClientIds(b.app.broker));
    await bot.app.orchestrator.start(); // reconciles first
    // Gate takes the buy fee in base: the position is what the venue holds.
    await convergedToTheVenue(bot, coid, venueBase);
    expect(bot.app.trading.state()).toBe('active');
    // Another pass finds nothing more to count.
    await reconcileAfter(bot, 10 * 60_000);
    await convergedToTheVenue(bot, coid, venueBase);
  });

  it("the same after a restart 30 hours later, past the first pass's 24 h trade look-back", async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir);
    await bot.app.orchestrator.start();
    const { crashedAt, venueBase, coid } = await buyThenCrashBeforeSettlement(bot);

    bot = await restartAfter(dir, crashedAt, 30 * 3_600_000, (b) => forgetClientIds(b.app.broker));
    await bot.app.orchestrator.start(); // reconciles first
    await convergedToTheVenue(bot, coid, venueBase);
    expect(bot.app.trading.state()).toBe('active');
  });

  it("a first pass that cannot read the venue's trades does not close the unsettled order; the next complete pass settles it", async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir);
    await bot.app.orchestrator.start();
    const { crashedAt, venueBase, coid } = await buyThenCrashBeforeSettlement(bot);
    let restoreTrades = (): void => undefined;
    bot = await restartAfter(dir, crashedAt, 2 * 3_600_000, (b) => {
      forgetClientIds(b.app.broker);
      restoreTrades = failTradeReads(b, 'RATE_LIMITED');
    });
    await bot.app.orchestrator.start(); // the start-up pass cannot read the trades
    await bot.app.orchestrator.stop();
    expect(await statuses(bot)).toEqual([[coid, 'in_flight']]);
    expect(await bot.app.storage.positions.get('BTC/USDT')).toBeNull();
    expect(bot.app.orchestrator.status().loops.reconcile.lastError).toMatch(/could not all be read/);
    expect(bot.app.trading.state()).toBe('halted');
    restoreTrades();
    await reconcileAfter(bot, 60_000);
    await convergedToTheVenue(bot, coid, venueBase);
    expect(bot.app.trading.state()).toBe('active');
  });

  it('a manual buy in a range whose trades could not be read is adopted once they can be, however many passes failed meanwhile', async () => {
    bot = await quietBot(dir);
    const manual = await manualBuy(bot);
    const restore = failTradeReads(bot, 'RATE_LIMITED');
    for (let pass = 0; pass < 3; pass++) await reconcileAfter(bot, 10 * 60_000);
    expect(await bot.orders()).toEqual([]);
    restore();
    await reconcileAfter(bot, 10 * 60_000);
    expect(await statuses(bot)).toEqual([['t-manual', 'filled']]);
    expect(str((await bot.app.storage.positions.get('BTC/USDT'))!.baseQty)).toBe(str(manual.filledBase.minus(manual.fee)));
  });

  it('trades unread for an hour halt entries (RECONCILE.MISMATCH), loudly; the pass that reads them clears it', async () => {
    bot = await quietBot(dir);
    const restore = failTradeReads(bot, 'TRADES_TOO_MANY');
    const states: string[] = [];
    for (let pass = 0; pass < 8; pass++) {
      await reconcileAfter(bot, 10 * 60_000);
      states.push(bot.app.trading.state());
    }
    // Held from the first failed pass: the pass an hour after it halts.
    expect(states).toEqual(['active', 'active', 'active', 'active', 'active', 'active', 'halted', 'halted']);
    expect(bot.app.trading.reasons().join()).toMatch(/BTC\/USDT: the venue's trades since .* could not all be read for 70 min \(trades: TRADES_TOO_MANY\)/);
    restore();
    await reconcileAfter(bot, 10 * 60_000);
    expect(bot.app.trading.state()).toBe('active');
  });

  it.each([
    ['30 min', 'just before its trade', 30 * 60_000],
    ['30 s', 'a minute before the pass, as a complete one would', 30_000],
  ])('an order behind a trade %s before the pass that cannot be fetched holds the cursor %s, not at the start of the range', async (_when, _where, gap) => {
    bot = await quietBot(dir);
    await bot.vs.advance(40 * 60_000 - gap);
    const manual = await manualBuy(bot);
    const [fill] = value(await bot.app.broker.fetchMyTrades('BTC/USDT'));
    const restore = failOrderLookup(bot, manual.id);
    const asked = recordTradeReads(bot);
    await bot.vs.advance(gap);
    const passAt = bot.vs.now();
    await reconcileAfter(bot, 0);
    await reconcileAfter(bot, 10 * 60_000);
    expect(asked[1]![1]).toBe(Math.min(fill!.ts - 1_000, passAt - 60_000));
    expect(asked[1]![1]! > asked[0]![1]!).toBe(true);
    restore();
    await reconcileAfter(bot, 10 * 60_000);
    expect(await statuses(bot)).toEqual([['t-manual', 'filled']]);
  });

  it('an order behind a trade that could not be stored when adopted is adopted by a later pass', async () => {
    bot = await quietBot(dir);
    await bot.vs.advance(30 * 60_000);
    const manual = await manualBuy(bot);
    // The core writes an adopted row through the unit of work: its insert of t-manual is refused there.
    const uow = bot.app.storage.unitOfWork;
    const run = uow.run.bind(uow);
    let refused = 0;
    uow.run = (work) =>
      run((tx) => {
        const orders = Object.create(tx.orders) as typeof tx.orders;
        orders.insert = async (o) =>
          o.clientOrderId === 't-manual' ? (refused++, { ok: false, code: 'ORDER.DUPLICATE_CLIENT_ID', message: 'refused (spec)' }) : tx.orders.insert(o);
        return work({ ...tx, orders });
      });
    await reconcileAfter(bot, 10 * 60_000);
    expect(refused).toBe(1);
    expect(await bot.orders()).toEqual([]);
    expect(await bot.app.storage.positions.get('BTC/USDT')).toBeNull();
    uow.run = run;
    await reconcileAfter(bot, 10 * 60_000);
    expect(await statuses(bot)).toEqual([['t-manual', 'filled']]);
    expect(str((await bot.app.storage.positions.get('BTC/USDT'))!.baseQty)).toBe(str(manual.filledBase.minus(manual.fee)));
    expect((await bot.app.storage.fills.byOrder('t-manual')).map((f) => f.tradeId)).toEqual(manual.fills.map((f) => f.id));
  });

  it('after a crash and a restart 30 h later: a manual buy found through the look-back reaching the crashed order, not fetched on that pass, is adopted by a later one', async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir);
    await bot.app.orchestrator.start();
    let manual: Awaited<ReturnType<typeof manualBuy>> | null = null;
    const { crashedAt } = await buyThenCrashBeforeSettlement(bot, async () => {
      await bot!.app.orchestrator.stop();
      await bot!.vs.advance(3_600_000);
      manual = await manualBuy(bot!);
    });

    bot = await restartAfter(dir, crashedAt, 30 * 3_600_000, (b) => forgetClientIds(b.app.broker));
    const restore = failOrderLookup(bot, manual!.id);
    // The first pass reads back to the crashed order (29 h, past its own 24 h) and settles it; the
    // manual buy, 28 h back, cannot be fetched on that pass.
    await bot.app.orchestrator.start();
    await bot.app.orchestrator.stop();
    expect(await statuses(bot)).toEqual([[expect.stringMatching(/^t-/), 'filled']]);
    restore();
    await reconcileAfter(bot, 10 * 60_000);
    expect((await statuses(bot)).sort()).toContainEqual(['t-manual', 'filled']);
    expect(bot.app.trading.state()).toBe('active');
  });

  it('each symbol keeps its own trade cursor: one whose trades cannot be read holds back only itself', async () => {
    bot = await quietBot(dir, { SYMBOLS: 'BTC/USDT,ETH/USDT' }, (b) => b.market.setPrice('ETH/USDT', '2500'));
    const asked = recordTradeReads(bot, 'ETH/USDT');
    await bot.vs.advance(10 * 60_000);
    const t1 = bot.vs.now();
    await reconcileAfter(bot, 0);
    asked.length = 0;
    await reconcileAfter(bot, 10 * 60_000);
    expect(asked).toEqual([
      ['BTC/USDT', t1 - 60_000], // since its previous pass, less the minute of overlap
      ['ETH/USDT', expect.any(Number)],
    ]);
    expect((asked[1]![1] as number) < t1 - 60_000).toBe(true); // still where ETH's reads first failed
  });

  it('an order whose exchange id we know is looked up by it: an adopted manual order, still open on the venue, is not closed', async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir);
    await bot.app.orchestrator.start();
    // Placed by hand on the exchange's web page: Gate's text is "web", not one of our client ids.
    const paper = bot.app.broker as unknown as PaperVenue;
    const manual = value(await paper.placeRestingOrder('BTC/USDT', 'buy', dec('0.001'), dec('40000'), 'web'));
    await bot.app.orchestrator.runLoopOnce('reconcile'); // adopted: open on the venue only
    const adopted = () => bot!.orders().then((os) => os.map((o) => [o.clientOrderId, o.exchangeOrderId, o.status]));
    expect(await adopted()).toEqual([[`adopted-${manual.id}`, manual.id, 'submitted']]);
    // Looked up by the client id it was stored under, the venue would say "not found" and the
    // order would be closed after the grace period, while it still rests on the book.
    await bot.app.orchestrator.stop();
    await bot.vs.advance(2 * 3_600_000);
    await bot.app.orchestrator.runLoopOnce('reconcile');
    expect(await adopted()).toEqual([[`adopted-${manual.id}`, manual.id, 'submitted']]);
  });

  it('an order row that vanished before its settlement: the failed write is logged, its decision is recorded once', async () => {
    const logger = new RecordingLogger();
    bot = await startBot(await makePaperPipelineWorld(), dir, {}, { logger });
    await bot.app.orchestrator.start();
    const broker = bot.app.broker;
    const send = broker.createMarketBuyQuote.bind(broker);
    broker.createMarketBuyQuote = async (symbol, quote, coid) => {
      await bot!.app.storage.db.deleteFrom('orders').where('client_order_id', '=', coid).execute();
      return send(symbol, quote, coid);
    };
    bot.strategy.next = 'buy';
    await expect(bot.app.orchestrator.runLoopOnce('eval')).resolves.toBeUndefined();
    const failed = logger.at('error').filter((e) => e.msg === 'a core command could not be carried out');
    expect(failed.map((e) => [e.fields['command'], e.fields['error']])).toEqual([['persist', expect.stringMatching(/is not in the store/)]]);
    // Nothing written in its place: no row, no position behind a row the store does not have.
    expect(await bot.orders()).toEqual([]);
    expect(await bot.app.storage.positions.get('BTC/USDT')).toBeNull();
    const [signal] = await bot.app.storage.audit.find({ kind: 'signal', limit: 1 });
    const trail = (await bot.app.storage.audit.find({ correlationId: signal!.correlationId! })).reverse();
    expect(trail.map((a) => a.summary.replace(/ .*/, ''))).toEqual(['scripted:', 'buy', 'placing', 'buy']);
  });

  it('a verdict repeated within a bucket is audited every time but alerted (trade.blocked) once', async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir, { RISK_MAX_FEE_PCT: '0.001' });
    await bot.app.orchestrator.start();
    const blocked: unknown[] = [];
    bot.app.bus.subscribe('trade.blocked', 'spec', (e) => void blocked.push(e));
    bot.strategy.next = 'buy';
    await bot.step('eval');
    await bot.vs.advance(3_000);
    await bot.step('eval');
    await bot.app.bus.drain();
    expect(blocked).toHaveLength(1);
    expect(await bot.app.storage.audit.find({ kind: 'risk' })).toHaveLength(2);
    await bot.vs.advance(60_000);
    await bot.step('eval');
    await bot.app.bus.drain();
    expect(blocked).toHaveLength(2);
  });

  it('trades every symbol of SYMBOLS, each with its own key, position and exits', async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir, { SYMBOLS: 'BTC/USDT,ETH/USDT' });
    bot.market.setPrice('ETH/USDT', '2500');
    await bot.app.orchestrator.start();
    expect(bot.app.orchestrator.status().symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    bot.strategy.next = 'buy';
    await bot.step('eval');
    const all = await bot.app.storage.orders.find({});
    expect(all.map((o) => o.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    const eth = await bot.app.storage.positions.get('ETH/USDT');
    expect(eth?.baseQty.gt('0')).toBe(true);
    bot.strategy.next = 'hold';
    bot.market.setPrice('ETH/USDT', '2400'); // −4 %: ETH's stop only
    await bot.vs.advance(60_000);
    await bot.step('exits');
    const sells = (await bot.app.storage.orders.find({})).filter((o) => o.side === 'sell');
    expect(sells.map((o) => o.symbol)).toEqual(['ETH/USDT']);
  });

  it.each([
    ['RISK_MAX_OPEN_POSITIONS', '1', 'RISK.MAX_OPEN_POSITIONS: 1 positions open, max 1'],
    ['RISK_MAX_TOTAL_EXPOSURE_QUOTE', '150', 'RISK.MAX_EXPOSURE: exposure would be '],
  ])('%s binds across SYMBOLS: the second symbol entry is refused while the first is open', async (setting, value, reason) => {
    bot = await startBot(await makePaperPipelineWorld(), dir, { SYMBOLS: 'BTC/USDT,ETH/USDT', [setting]: value });
    bot.market.setPrice('ETH/USDT', '2500');
    await bot.app.orchestrator.start();
    bot.strategy.next = 'buy';
    await bot.step('eval');
    const all = await bot.app.storage.orders.find({});
    expect(all.map((o) => o.symbol)).toEqual(['BTC/USDT']);
    const risk = await bot.app.storage.audit.find({ kind: 'risk', symbol: 'ETH/USDT' });
    expect(JSON.stringify(risk)).toContain(reason);
  });
});
