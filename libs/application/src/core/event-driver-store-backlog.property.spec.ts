import fc from 'fast-check';
import { dec, ZERO, type Decimal } from '@cab/domain';
import { FakeClock, T0 } from '@cab/domain/testing';
import type { BrokerResult, OrderDTO } from '../ports/broker';
import type { UnitOfWork } from '../ports/unit-of-work';
import { aCoreWithDriver, FakeVenueView, InMemoryStorage, marketOrderAnswer, SYMBOL } from '../testing';

/**
 * The store goes down and comes back at random between the core's steps (buys, sells, their
 * answers, repeated looks, retries), and the process may die at any point (docs/core.md,
 * "Drivers"): STORE.WRITE holds exactly while writes wait; once the store is back and the backlog
 * written, the store is the core (rows, each venue trade once, the position); and a new process on
 * that store, told the venue's word again, counts nothing twice.
 */

const PRICE = dec('50000');

/** The venue: it fills what it is sent, whole, at 50,000 (fee 0.2 %: in base on a buy, in quote on a sell). */
class Venue extends FakeVenueView {
  readonly words = new Map<string, OrderDTO>();
  private n = 0;
  constructor() {
    super({ freeQuote: dec('100000') });
  }
  trade(clientOrderId: string, side: 'buy' | 'sell', amount: Decimal, ts: number): OrderDTO {
    const n = ++this.n;
    const base = side === 'buy' ? amount.div(PRICE).round(6, 0) : amount;
    const dto = marketOrderAnswer({
      id: `x${n}`,
      clientOrderId,
      side,
      trades: [{ id: `t${n}`, base, price: PRICE }],
      requestedQuote: side === 'buy' ? amount : null,
      requestedBase: side === 'sell' ? amount : null,
      ts,
    });
    this.freeBase = side === 'buy' ? this.freeBase.plus(base).minus(dto.fee) : this.freeBase.minus(base);
    this.words.set(clientOrderId, dto);
    return dto;
  }
}

/** The store: up, down (every unit of work fails) or flaky (every other one fails: a later write may get through where an older one did not). */
class FlakyStore {
  mode: 'up' | 'down' | 'flaky' = 'up';
  private calls = 0;
  readonly unitOfWork: UnitOfWork;
  constructor(readonly storage: InMemoryStorage) {
    this.unitOfWork = {
      run: (work) =>
        this.mode === 'down' || (this.mode === 'flaky' && ++this.calls % 2 === 1)
          ? Promise.reject(new Error('SQLITE_IOERR (spec)'))
          : storage.unitOfWork.run(work),
    };
  }
}

function life(flaky: FlakyStore, clock: FakeClock, venue: Venue) {
  const pending: { resolve: () => void }[] = [];
  const send = (side: 'buy' | 'sell') => (_s: string, amount: Decimal, coid: string) =>
    new Promise<BrokerResult<OrderDTO>>((resolve) =>
      pending.push({ resolve: () => resolve({ ok: true, value: venue.trade(coid, side, amount, clock.now()) }) }),
    );
  const { core, driver, candle } = aCoreWithDriver({
    clock,
    venue,
    risk: { dailyLossLimitQuote: dec('0') },
    broker: { createMarketBuyQuote: send('buy'), createMarketSellBase: send('sell') },
    stores: { unitOfWork: flaky.unitOfWork, safety: flaky.storage.safety },
    reconcile: () => undefined,
  });
  /** Tells the core the venue's word on every order it sent (a look, as a reconcile would), once more. */
  const lookAll = (): void => {
    for (const [clientOrderId, value] of venue.words) driver.enqueue({ kind: 'order-report', clientOrderId, answer: 'look', result: { ok: true, value } });
  };
  return { core, driver, pending, candle, lookAll };
}

/** Lets every write and send the last events started run (the in-memory store answers in microtasks). */
const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

type Step = { store: FlakyStore['mode']; act: 'buy' | 'sell' | 'answer' | 'look' | 'retry' | 'crash' };

describe('EventDriver with a store that fails at random', () => {
  it('STORE.WRITE holds exactly while writes wait; the store converges to the core; a restart counts nothing twice', async () => {
    const step = fc.record({
      store: fc.constantFrom<Step['store']>('up', 'down', 'flaky'),
      act: fc.constantFrom<Step['act']>('buy', 'sell', 'answer', 'answer', 'look', 'retry', 'crash'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const clock = new FakeClock(T0);
        const flaky = new FlakyStore(new InMemoryStorage(clock));
        const venue = new Venue();
        let bot = life(flaky, clock, venue);
        for (const s of steps) {
          flaky.mode = s.store;
          if (s.act === 'buy' || s.act === 'sell') bot.candle(s.act);
          else if (s.act === 'answer') bot.pending.shift()?.resolve();
          else if (s.act === 'look') bot.lookAll();
          else if (s.act === 'retry') await bot.driver.retryWrites();
          else {
            // The process dies: unanswered sends and waiting writes go with it; a new one recovers from the store.
            flaky.mode = 'up';
            bot = life(flaky, clock, venue);
            await bot.driver.recover(flaky.storage);
            bot.lookAll();
          }
          await settled();
          expect(bot.core.halts.level('STORE.WRITE')).toBe(bot.driver.pendingWrites().length > 0 ? 'halted' : null);
        }
        // The store is back; the venue answers what is left and its word is told once more.
        flaky.mode = 'up';
        while (bot.pending.length > 0) {
          bot.pending.shift()!.resolve();
          await settled();
        }
        bot.lookAll();
        await settled();
        await bot.driver.retryWrites();
        await settled();
        expect(bot.driver.pendingWrites()).toEqual([]);
        expect(bot.core.halts.level('STORE.WRITE')).toBeNull();
        const stored = await flaky.storage.positions.get(SYMBOL);
        expect((stored?.baseQty ?? ZERO).toString()).toBe(bot.core.position(SYMBOL).baseQty.toString());
        expect(bot.core.position(SYMBOL).baseQty.toString()).toBe(venue.freeBase.toString());
        for (const [coid, word] of venue.words) {
          expect((await flaky.storage.orders.byClientOrderId(coid))?.status).toBe('filled');
          expect((await flaky.storage.fills.byOrder(coid)).map((f) => f.tradeId)).toEqual(word.fills.map((f) => f.id));
        }

        // A new process on this store, told the venue's word again: nothing moves.
        const after = life(flaky, clock, venue);
        await after.driver.recover(flaky.storage);
        after.lookAll();
        await settled();
        expect(after.core.position(SYMBOL).baseQty.toString()).toBe(venue.freeBase.toString());
        expect(((await flaky.storage.positions.get(SYMBOL))?.baseQty ?? ZERO).toString()).toBe(venue.freeBase.toString());
      }),
      { numRuns: 300 },
    );
  });
});
