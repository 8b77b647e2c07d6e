import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePaperPipelineWorld } from './testing/paper-world';
import { pipelineContract, startBot, type PipelineBot } from './testing/pipeline.contract';

pipelineContract('paper', makePaperPipelineWorld);

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

  it('an order is recorded with the decision that caused it: signal, risk verdict and order entry, in that order', async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir);
    await bot.app.orchestrator.start();
    bot.strategy.next = 'buy';
    await bot.step('eval');
    const [signal] = await bot.app.storage.audit.find({ kind: 'signal', limit: 1 });
    const trail = (await bot.app.storage.audit.find({ correlationId: signal!.correlationId! })).reverse();
    expect(trail.slice(0, 3).map((a) => a.kind)).toEqual(['signal', 'risk', 'order']);
    expect(trail[2]?.summary).toMatch(/^placing buy/);
    // Consecutive ids: nothing was written between the decision and its order.
    expect(trail.slice(0, 3).map((a) => a.id - trail[0]!.id)).toEqual([0, 1, 2]);
    expect(await bot.orders()).toHaveLength(1);
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
});
