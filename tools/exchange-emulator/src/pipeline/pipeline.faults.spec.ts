import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Topics } from '@cab/application';
import { dec, str } from '@cab/domain';
import { startBot, PIPELINE_SYMBOL as SYMBOL, type PipelineBot } from '@cab/infrastructure/testing';
import { makeLivePipelineWorld, type LiveWorld } from './live-world';

/** Exchange faults the paper broker cannot produce, through the real ccxt client: the unhappy paths of place-order. */
describe('pipeline under exchange faults (live mode)', () => {
  let world: LiveWorld;
  let dir: string;
  let bot: PipelineBot;
  const events: { topic: string; e: unknown }[] = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-faults-'));
    world = await makeLivePipelineWorld();
    bot = await startBot(world, dir, {}, { notFoundGraceMs: 30_000 });
    events.length = 0;
    for (const topic of ['trade.completed', 'trade.failed', 'order.in_flight', 'safety.halted', 'reconcile.repaired'] as const)
      bot.app.bus.subscribe(topic, 'spec', (e: Readonly<Topics[typeof topic]>) => {
        events.push({ topic, e });
      });
    await bot.app.orchestrator.start();
  });
  afterEach(async () => {
    await bot.app.close();
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const buy = async (): Promise<void> => {
    bot.strategy.next = 'buy';
    await bot.step('eval');
    await bot.app.bus.drain();
  };
  const held = async () => (await bot.app.storage.positions.get(SYMBOL))?.baseQty ?? dec('0');
  const venueBase = () => {
    const b = world.emu.exchange.balance('BTC');
    return b.available.plus(b.locked);
  };

  it.each([
    ['a lost response', { kind: 'lost-response' as const }],
    ['a 502 after the exchange executed it', { kind: 'status' as const, status: 502, afterProcessing: true }],
    ['a response held past the client timeout', { kind: 'delay' as const, ms: 2_500 }],
  ])('%s leaves the order in flight, never re-sent; reconciliation settles it once', async (_name, fault) => {
    world.emu.faults.next('POST /spot/orders', fault);
    await buy();
    const [o] = await bot.orders();
    expect(o?.status).toBe('in_flight');
    expect(events.map((x) => x.topic)).toEqual(expect.arrayContaining(['order.in_flight', 'trade.failed']));
    await bot.vs.advance(1_000);
    await buy(); // same bucket: the key is taken, nothing is sent
    expect(world.emu.exchange.orders).toHaveLength(1);
    expect(await bot.orders()).toHaveLength(1);
    await bot.step('reconcile');
    await bot.step('reconcile');
    await bot.app.bus.drain();
    const [after] = await bot.orders();
    expect(after?.status).toBe('filled');
    expect(after?.exchangeOrderId).toBe(world.emu.exchange.orders[0]?.id);
    expect(str(await held())).toBe(str(venueBase()));
    expect(events.filter((x) => x.topic === 'trade.completed')).toHaveLength(1);
    expect(world.emu.exchange.orders).toHaveLength(1);
  });

  it('a partial fill: the position holds what filled, the order ends canceled with its fill', async () => {
    world.emu.faults.next('POST /spot/orders', { kind: 'partial-fill', ratio: '0.5' });
    await buy();
    const [o] = await bot.orders();
    expect(o?.filledBase.gt('0')).toBe(true);
    expect(o?.filledQuote.lt('60')).toBe(true);
    expect(o?.status).toBe('canceled');
    expect(str(await held())).toBe(str(o!.filledBase.minus(o!.fee)));
    expect(str(await held())).toBe(str(venueBase()));
    expect(events.filter((x) => x.topic === 'trade.completed')).toHaveLength(1);
  });

  it('a filled IOC reported as cancelled counts as filled (filled amounts are the truth)', async () => {
    world.emu.faults.next('POST /spot/orders', { kind: 'report-cancelled' });
    await buy();
    const [o] = await bot.orders();
    expect(o?.status).toBe('filled');
    expect(str(await held())).toBe(str(venueBase()));
  });

  it('a 429 on create: nothing happened, the key is released and the next evaluation places the order', async () => {
    world.emu.faults.next('POST /spot/orders', { kind: 'status', status: 429 });
    await buy();
    expect((await bot.orders())[0]?.status).toBe('rejected');
    expect(world.emu.exchange.orders).toHaveLength(0);
    // Same bucket, so the same client order id: the refused row is there; a new bucket places it.
    await bot.vs.advance(60_000);
    await buy();
    const orders = await bot.orders();
    expect(orders.filter((o) => o.status === 'filled')).toHaveLength(1);
    expect(world.emu.exchange.orders).toHaveLength(1);
  });

  it('reconciliation adopts orders found only on the exchange (an open one, and a filled one behind unknown trades)', async () => {
    const manual = world.emu.exchange.createOrder({
      currency_pair: 'BTC_USDT',
      type: 'market',
      side: 'buy',
      amount: '200',
      text: 't-manual1',
      account: 'spot',
    });
    const resting = world.emu.exchange.createOrder({ currency_pair: 'BTC_USDT', type: 'limit', side: 'buy', amount: '0.001', price: '40000', account: 'spot' });
    await bot.step('reconcile');
    await bot.app.bus.drain();
    const orders = await bot.orders();
    expect(orders.map((o) => o.clientOrderId).sort()).toEqual([`adopted-${resting.id}`, 't-manual1']);
    expect(orders.find((o) => o.clientOrderId === 't-manual1')?.status).toBe('filled');
    expect(orders.find((o) => o.exchangeOrderId === resting.id)?.status).toBe('submitted');
    expect(orders.every((o) => o.reason?.startsWith('adopted'))).toBe(true);
    expect(str(await held())).toBe(str(manual.filledAmount.minus(manual.fee)));
    expect(events.filter((x) => x.topic === 'reconcile.repaired')).toHaveLength(2);
    // Idempotent: a second pass adopts nothing more.
    await bot.step('reconcile');
    expect(await bot.orders()).toHaveLength(2);
  });

  it('an authentication failure is fatal: trading halts (BROKER.FATAL) and only the operator resumes it', async () => {
    world.emu.faults.next('POST /spot/orders', { kind: 'status', status: 401, label: 'INVALID_KEY', message: 'Invalid key provided' });
    await buy();
    expect(bot.app.orchestrator.status().trading).toBe('halted');
    expect(bot.app.orchestrator.status().haltReasons.join()).toContain('BROKER.FATAL');
    await bot.step('reconcile');
    expect(bot.app.orchestrator.status().trading).toBe('halted');
    await bot.app.orchestrator.resume('spec');
    expect(bot.app.orchestrator.status().trading).toBe('active');
  });
});
