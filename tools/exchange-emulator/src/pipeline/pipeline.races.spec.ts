import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dec, str } from '@cab/domain';
import { startBot, PIPELINE_SYMBOL as SYMBOL, type PipelineBot } from '@cab/infrastructure/testing';
import { makeLivePipelineWorld, type LiveWorld } from './live-world';

/**
 * The races the old polling loops (eval, exits, reconcile) had at every await, which once sent a
 * second order for one decision or dropped a fresh buy (and its stop) from the books; run through
 * the real ccxt client against the emulator on the trading core, which must make them impossible.
 */
describe('pipeline races between loops (live mode)', () => {
  let world: LiveWorld;
  let dir: string;
  let bot: PipelineBot;

  async function boot(balances?: Record<string, string>): Promise<void> {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-races-'));
    world = await makeLivePipelineWorld(balances ? { balances } : {});
    bot = await startBot(world, dir, {}, { notFoundGraceMs: 30_000 });
    await bot.app.orchestrator.start();
  }
  afterEach(async () => {
    await bot.app.close();
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const held = async () => (await bot.app.storage.positions.get(SYMBOL))?.baseQty ?? dec('0');
  const venueBase = () => {
    const b = world.emu.exchange.balance('BTC');
    return b.available.plus(b.locked);
  };
  const venueOrders = (side: 'buy' | 'sell') => world.emu.exchange.orders.filter((o) => o.side === side);

  /** The owner holds 1 BTC on the account; the bot buys, then the price drops 10 % (its stop is due). */
  async function boughtThenDropped(): Promise<ReturnType<typeof dec>> {
    await boot({ USDT: '10000', BTC: '1' });
    bot.strategy.next = 'buy';
    await bot.step('eval');
    const position = await held();
    await bot.vs.advance(60_000);
    await bot.setPrice('45000');
    return position;
  }
  /** The bot's position sold once; the owner's coin untouched. */
  function expectOneSellOf(position: ReturnType<typeof dec>): void {
    const sells = venueOrders('sell');
    expect(sells).toHaveLength(1);
    expect(str(sells[0]!.filledAmount)).toBe(str(position));
    expect(str(venueBase())).toBe('1');
  }

  it('a buy left in flight is not bought again by the next bucket’s signal', async () => {
    await boot();
    world.emu.faults.next('POST /spot/orders', { kind: 'lost-response' });
    bot.strategy.next = 'buy';
    await bot.step('eval');
    expect((await bot.orders())[0]?.status).toBe('in_flight');
    await bot.vs.advance(60_000); // the next idempotency bucket; reconcile has not settled it yet
    await bot.step('eval');
    expect(venueOrders('buy')).toHaveLength(1);
    await bot.step('reconcile');
    expect((await bot.orders()).map((o) => o.status)).toEqual(['filled']);
  });

  it('a lost buy settled by reconcile after the strategy read "flat" is not bought again: the position is not doubled', async () => {
    await boot();
    world.emu.faults.next('POST /spot/orders', { kind: 'lost-response' });
    bot.strategy.next = 'buy';
    await bot.step('eval');
    expect((await bot.orders()).map((o) => o.status)).toEqual(['in_flight']);
    await bot.vs.advance(60_000); // the next idempotency bucket
    // The next evaluation reads the position (flat: the lost buy is not settled) and the strategy
    // says buy; while it asks the venue for the balance, reconcile settles the lost buy as filled.
    const broker = world.broker;
    const fetchBalance = broker.fetchBalance.bind(broker);
    broker.fetchBalance = async (symbol: string) => {
      broker.fetchBalance = fetchBalance;
      const r = await fetchBalance(symbol);
      await bot.step('reconcile');
      return r;
    };
    await bot.step('eval');
    expect(venueOrders('buy')).toHaveLength(1);
    expect((await bot.orders()).map((o) => o.status)).toEqual(['filled']);
    expect(str(await held())).toBe(str(venueBase()));
  });

  it('a buy settled while reconcile reads the balance is not undone: the position and its stop stay', async () => {
    await boot();
    const mismatches: string[] = [];
    bot.app.bus.subscribe('reconcile.mismatch', 'spec', (e) => void mismatches.push(e.detail));
    const broker = world.broker;
    const fetchBalance = broker.fetchBalance.bind(broker);
    let once = true;
    broker.fetchBalance = async (symbol: string) => {
      const r = await fetchBalance(symbol);
      if (once) {
        once = false;
        bot.strategy.next = 'buy';
        await bot.step('eval'); // fills and settles after the venue answered the balance
        bot.strategy.next = 'hold';
      }
      return r;
    };
    await bot.step('reconcile');
    broker.fetchBalance = fetchBalance;
    // The pass's report was asked for before the buy settled: the core compares it with nothing on
    // that symbol (docs/core.md, "Shape": a report older than a settlement), so the balance read
    // without the buy neither halts nor shrinks the position, and the pass is no failure either.
    await bot.app.bus.drain();
    expect(mismatches).toEqual([]);
    expect(bot.app.trading.state()).toBe('active');
    expect(bot.app.orchestrator.status().loops.reconcile.lastError).toBeNull();
    const bought = venueBase();
    expect(bought.gt('0')).toBe(true);
    expect(str(await held())).toBe(str(bought));
    // The next pass reads a balance taken after the buy: it agrees.
    await bot.step('reconcile');
    await bot.app.bus.drain();
    expect(mismatches).toEqual([]);
    expect(bot.app.trading.state()).toBe('active');
    expect(str(await held())).toBe(str(bought));
    await bot.setPrice('45000'); // −10 %: the hard stop fires
    await bot.vs.advance(60_000);
    await bot.step('exits');
    expect(venueOrders('sell')).toHaveLength(1);
  });

  it('reconcile never shrinks the position under our own sell in flight: no halt, and the round trip’s realized PnL is recorded', async () => {
    await boot();
    bot.strategy.next = 'buy';
    await bot.step('eval');
    const position = await held();
    expect(position.gt('0')).toBe(true);
    await bot.vs.advance(60_000);
    await bot.setPrice('51000');
    // The sell reaches the venue (the balance moves) but its answer is lost: it stays in flight.
    world.emu.faults.next('POST /spot/orders', { kind: 'lost-response' });
    bot.strategy.next = 'sell';
    await bot.step('eval');
    bot.strategy.next = 'hold';
    expect((await bot.orders()).find((o) => o.side === 'sell')?.status).toBe('in_flight');
    expect(str(venueBase())).toBe('0');
    // Reconcile cannot find the sell yet (the venue does not list it), but reads the moved balance.
    world.emu.faults.always('GET /spot/orders/*', { kind: 'status', status: 404, label: 'ORDER_NOT_FOUND', message: 'Order not found' });
    await bot.step('reconcile');
    world.emu.faults.clear();
    expect(str(await held())).toBe(str(position));
    expect(bot.app.trading.reasons().filter((r) => r.startsWith('RECONCILE.MISMATCH'))).toEqual([]);
    // Once the venue answers, the sell settles against the position it sold: flat, PnL recorded.
    await bot.step('reconcile');
    expect((await bot.orders()).find((o) => o.side === 'sell')?.status).toBe('filled');
    const after = await bot.app.storage.positions.get(SYMBOL);
    expect(str(after?.baseQty ?? dec('0'))).toBe('0');
    expect(after?.realizedPnl.gt('0')).toBe(true);
    expect(bot.app.trading.state()).toBe('active');
  });

  it('a strategy sell and a stop at the same moment sell once, never the owner’s coins on the account', async () => {
    const position = await boughtThenDropped();
    bot.strategy.next = 'sell';
    await Promise.all([bot.step('exits'), bot.step('eval')]);
    expectOneSellOf(position);
  });

  it('a strategy sell sized before a stop settled is refused: the position is sold once, the owner’s coins never', async () => {
    const position = await boughtThenDropped();
    // The eval loop reads the balance; while the venue answers, the exits loop's stop sells the
    // position and settles. The strategy sell is then sized from the stale position and balance.
    const broker = world.broker;
    const fetchBalance = broker.fetchBalance.bind(broker);
    broker.fetchBalance = async (symbol: string) => {
      broker.fetchBalance = fetchBalance;
      const r = await fetchBalance(symbol);
      await bot.step('exits');
      return r;
    };
    bot.strategy.next = 'sell';
    await bot.step('eval');
    expectOneSellOf(position);
  });
});
