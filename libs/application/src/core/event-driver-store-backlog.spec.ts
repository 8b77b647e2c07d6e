import { dec, ZERO } from '@cab/domain';
import { FakeClock, T0 } from '@cab/domain/testing';
import type { OrderDTO } from '../ports/broker';
import type { UnitOfWork } from '../ports/unit-of-work';
import { aCoreWithDriver, FakeVenueView, InMemoryStorage, marketOrderAnswer, SlowBroker, SYMBOL } from '../testing';
import type { CoreOutput } from './core-output';

/**
 * The real in-memory store behind a unit of work that fails while `down` (a disk that is full, a
 * locked database): it rolls back as the real one does. `failures` counts the refused units.
 */
class FlakyStore {
  down = false;
  failures = 0;
  readonly unitOfWork: UnitOfWork;
  constructor(readonly storage: InMemoryStorage) {
    this.unitOfWork = {
      run: (work) => {
        if (!this.down) return storage.unitOfWork.run(work);
        this.failures++;
        return Promise.reject(new Error('SQLITE_IOERR: disk I/O error'));
      },
    };
  }
}

/** The venue's word on the buy: `trades` (base each) filled at 50,001, fee 0.2 % in base; closed once they reach 0.002. */
function buyDto(clientOrderId: string, trades: readonly string[], ts: number): OrderDTO {
  const filledBase = trades.reduce((a, base) => a.plus(base), ZERO);
  return marketOrderAnswer({
    id: 'x1',
    clientOrderId,
    trades: trades.map((base, i) => ({ id: `tr${i + 1}`, base, price: '50001' })),
    status: filledBase.gte('0.002') ? 'closed' : 'open',
    requestedQuote: dec('100.002'),
    ts,
  });
}

/** One life of the bot on a (flaky) store: its own core, driver and broker, as a new process would have. */
function life(flaky: FlakyStore, clock: FakeClock) {
  const broker = new SlowBroker();
  const view = new FakeVenueView();
  const backlog: number[] = [];
  const reconciles: number[] = [];
  const bot = aCoreWithDriver({
    clock,
    venue: view,
    broker,
    stores: { unitOfWork: flaky.unitOfWork, safety: flaky.storage.safety },
    reconcile: (c) => reconciles.push(c.requestedAtSeq),
    onBacklog: (n) => backlog.push(n),
  });
  /** A look at the order (a cancel's or a reconcile's answer) with the venue's trades so far. */
  const look = (clientOrderId: string, trades: readonly string[]): void =>
    bot.driver.enqueue({ kind: 'order-report', clientOrderId, answer: 'look', result: { ok: true, value: buyDto(clientOrderId, trades, clock.now()) } });
  return { ...bot, view, broker, look, backlog, reconciles };
}

/** A buy sent with its write-ahead committed; the store fails from then on, and the venue's answer (filled) comes. */
async function filledWhileTheStoreIsDown(flaky: FlakyStore, clock: FakeClock) {
  const bot = life(flaky, clock);
  bot.candle('buy');
  await bot.broker.sent(1);
  const coid = bot.broker.sends[0]!.clientOrderId;
  flaky.down = true;
  bot.broker.sends[0]!.answer.resolve({ ok: true, value: buyDto(coid, ['0.002'], clock.now()) });
  await bot.driver.idle();
  return { bot, coid };
}

const haltFacts = (facts: readonly CoreOutput[]) =>
  facts.filter((f) => (f.kind === 'halt' || f.kind === 'resume') && f.code === 'STORE.WRITE').map((f) => f.kind);

describe('EventDriver: a store write that fails is kept, retried in order, and halts entries until it is written', () => {
  it('the settlement that could not be written lands once the store is back: order row, fill, position; STORE.WRITE set then cleared, never stored', async () => {
    const clock = new FakeClock(T0);
    const flaky = new FlakyStore(new InMemoryStorage(clock));
    const { bot, coid } = await filledWhileTheStoreIsDown(flaky, clock);

    // The core moved on, the store did not: loud, and entries stop (halted: only protective exits).
    expect(bot.core.position(SYMBOL).baseQty.toString()).toBe('0.001996');
    expect((await flaky.storage.orders.byClientOrderId(coid))?.status).toBe('new');
    expect(await flaky.storage.positions.get(SYMBOL)).toBeNull();
    expect(bot.errors).toEqual([expect.stringMatching(/disk I\/O error/)]);
    expect(bot.core.halts.level('STORE.WRITE')).toBe('halted');
    expect(haltFacts(bot.facts)).toEqual(['halt']);
    expect(bot.driver.pendingWrites()).toEqual([
      expect.objectContaining({ what: expect.stringMatching(/^order .* filled; 1 fill\(s\) tr1; position BTC\/USDT$/), attempts: 1 }),
    ]);

    // A retry while the store is still down: still kept, still one entry, no new error line.
    expect(await bot.driver.retryWrites()).toEqual([expect.objectContaining({ attempts: 2 })]);
    expect(bot.errors).toHaveLength(1);

    flaky.down = false;
    expect(await bot.driver.retryWrites()).toEqual([]);
    await bot.driver.idle();
    expect(await flaky.storage.orders.byClientOrderId(coid)).toMatchObject({ status: 'filled', exchangeOrderId: 'x1' });
    expect((await flaky.storage.fills.byOrder(coid)).map((f) => f.tradeId)).toEqual(['tr1']);
    expect((await flaky.storage.positions.get(SYMBOL))?.baseQty.toString()).toBe('0.001996');
    expect(bot.core.halts.level('STORE.WRITE')).toBeNull();
    expect(haltFacts(bot.facts)).toEqual(['halt', 'resume']);
    expect(bot.backlog).toEqual([1, 1, 0]);
    // Held in memory only: a restart must not find a halt nobody would clear.
    expect((await flaky.storage.safety.halts()).map((h) => h.code)).not.toContain('STORE.WRITE');
  });

  it('a later write waits behind the failed one and goes out after it: an older Persist never overwrites a newer one', async () => {
    const clock = new FakeClock(T0);
    const flaky = new FlakyStore(new InMemoryStorage(clock));
    const bot = life(flaky, clock);
    bot.candle('buy');
    await bot.broker.sent(1);
    const coid = bot.broker.sends[0]!.clientOrderId;
    flaky.down = true;
    // First the send's answer: partly filled (tr1); then a look: filled (tr1, tr2). Both Persists fail or wait.
    bot.broker.sends[0]!.answer.resolve({ ok: true, value: buyDto(coid, ['0.0005'], clock.now()) });
    await bot.driver.idle();
    bot.look(coid, ['0.0005', '0.0015']);
    await bot.driver.idle();
    // The operator's stop: a halt written to the safety store, which works — but it waits its turn.
    bot.driver.enqueue({ kind: 'operator', action: 'stop-entries', actor: 'spec' });
    await bot.driver.idle();
    expect(bot.driver.pendingWrites().map((w) => [w.what.replace(coid, 'B'), w.attempts])).toEqual([
      // Tried on its failure and before each later write; the later ones were never tried ahead of it.
      ['order B partial; 1 fill(s) tr1; position BTC/USDT', 3],
      ['order B filled; 1 fill(s) tr2; position BTC/USDT', 0],
      ['halt OPERATOR.ENTRIES reducing', 0],
    ]);
    expect(await flaky.storage.safety.halts()).toEqual([]);

    flaky.down = false;
    await bot.driver.retryWrites();
    expect(await flaky.storage.orders.byClientOrderId(coid)).toMatchObject({ status: 'filled', filledBase: dec('0.002') });
    expect((await flaky.storage.fills.byOrder(coid)).map((f) => f.tradeId).sort()).toEqual(['tr1', 'tr2']);
    expect((await flaky.storage.positions.get(SYMBOL))?.baseQty.toString()).toBe('0.001996');
    expect((await flaky.storage.safety.halts()).map((h) => h.code)).toEqual(['OPERATOR.ENTRIES']);
    expect(bot.core.halts.level('STORE.WRITE')).toBeNull();
  });

  it('the next write tries the waiting ones first: a new Persist once the store is back writes them all, in order', async () => {
    const clock = new FakeClock(T0);
    const flaky = new FlakyStore(new InMemoryStorage(clock));
    const { bot, coid } = await filledWhileTheStoreIsDown(flaky, clock);
    flaky.down = false;
    bot.driver.enqueue({ kind: 'operator', action: 'stop-entries', actor: 'spec' });
    await bot.driver.idle();
    expect(bot.driver.pendingWrites()).toEqual([]);
    expect((await flaky.storage.orders.byClientOrderId(coid))?.status).toBe('filled');
    expect((await flaky.storage.safety.halts()).map((h) => h.code)).toEqual(['OPERATOR.ENTRIES']);
    expect(bot.core.halts.level('STORE.WRITE')).toBeNull();
  });

  it('while STORE.WRITE holds, a buy signal sends nothing; a write-ahead while the store is down sends nothing either', async () => {
    const clock = new FakeClock(T0);
    const flaky = new FlakyStore(new InMemoryStorage(clock));
    const { bot } = await filledWhileTheStoreIsDown(flaky, clock);
    bot.candle('buy');
    bot.candle('sell');
    await bot.driver.idle();
    expect(bot.broker.sends).toHaveLength(1);
    bot.view.freeBase = bot.core.position(SYMBOL).baseQty;
    // The operator's force exit gets through the halt, but its row cannot be written ahead: nothing is sent.
    bot.driver.enqueue({ kind: 'operator', action: 'force-exit', symbol: SYMBOL, actor: 'spec' });
    await bot.driver.idle();
    expect(bot.broker.sends).toHaveLength(1);
    expect(bot.facts).toContainEqual(expect.objectContaining({ kind: 'order', error: expect.stringMatching(/order row could not be written/) }));
  });

  it('a buy whose write-ahead the store refused is not sent, and its rejection writes no row (there is none): nothing waits, no halt', async () => {
    const clock = new FakeClock(T0);
    const flaky = new FlakyStore(new InMemoryStorage(clock));
    const bot = life(flaky, clock);
    flaky.down = true;
    bot.candle('buy');
    await bot.driver.idle();
    expect(bot.broker.sends).toEqual([]);
    expect(bot.facts).toContainEqual(
      expect.objectContaining({ kind: 'order', error: expect.stringMatching(/ORDER\.NOT_SENT: not sent: the order row could not be written/) }),
    );
    expect(bot.driver.pendingWrites()).toEqual([]);
    expect(bot.core.halts.level('STORE.WRITE')).toBeNull();
    expect(bot.errors).toEqual([]);
    flaky.down = false;
    bot.candle('buy');
    await bot.broker.sent(1);
    expect(await flaky.storage.orders.find({})).toEqual([expect.objectContaining({ clientOrderId: bot.broker.sends[0]!.clientOrderId, status: 'new' })]);
  });

  it('a fill is never counted twice: neither when the retry wrote it before a restart, nor when a restart came first', async () => {
    for (const retriedBeforeRestart of [true, false]) {
      const clock = new FakeClock(T0);
      const flaky = new FlakyStore(new InMemoryStorage(clock));
      const { bot: first, coid } = await filledWhileTheStoreIsDown(flaky, clock);
      flaky.down = false;
      // The first life dies after its retry wrote the settlement, or before any retry.
      if (retriedBeforeRestart) expect(await first.driver.retryWrites()).toEqual([]);
      const second = life(flaky, clock);
      await second.driver.recover(flaky.storage);
      await second.driver.idle();
      // The venue's word again, as the start-up reconcile reads it: the same trade.
      second.look(coid, ['0.002']);
      await second.driver.idle();
      const label = retriedBeforeRestart ? 'retried, then restarted' : 'restarted first';
      expect([label, second.core.position(SYMBOL).baseQty.toString()]).toEqual([label, '0.001996']);
      expect([label, (await flaky.storage.positions.get(SYMBOL))?.baseQty.toString()]).toEqual([label, '0.001996']);
      expect([label, (await flaky.storage.fills.byOrder(coid)).map((f) => f.tradeId)]).toEqual([label, ['tr1']]);
      expect([label, (await flaky.storage.orders.byClientOrderId(coid))?.status]).toEqual([label, 'filled']);
      expect([label, second.errors]).toEqual([label, []]);
    }
  });
});
