// Issue #15 item 12 in paper mode, end to end on real SQLite: every order and fill is logged at
// INFO (symbol, side, amount, price, fee, reason), and the round trip whose sell left dust (Gate's
// buy fee is taken in base) shows as a closed trade in /api/pnl's report.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@cab/application/testing';
import { str } from '@cab/domain';
import { storageReadModels } from '../http/read-models';
import { brokerDust } from '../reports/dust-source';
import { makePaperPipelineWorld } from './testing/paper-world';
import { SYMBOL, startBot, type PipelineBot } from './testing/pipeline.contract';

describe('the trade journal and closed round trips (paper, real SQLite)', () => {
  let dir: string;
  let bot: PipelineBot | null = null;
  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-journal-'));
  });
  afterEach(async () => {
    await bot?.app.close();
    bot = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('logs each order and fill at INFO, and the sell that left dust closes the round trip in /api/pnl', async () => {
    const logger = new RecordingLogger();
    const world = await makePaperPipelineWorld();
    bot = await startBot(world, dir, {}, { logger });
    await bot.app.orchestrator.start();
    bot.strategy.next = 'buy';
    await bot.step('eval');
    bot.strategy.next = 'hold';
    await bot.setPrice('48900'); // below the 2 % stop
    await bot.vs.advance(60_000);
    await bot.step('exits');

    const orders = (await bot.orders()).reverse();
    expect(orders.map((o) => `${o.side} ${o.status}`)).toEqual(['buy filled', 'sell filled']);
    const [buy, sell] = orders as [(typeof orders)[0], (typeof orders)[0]];
    const info = logger.at('info');
    const orderLines = info.filter((e) => e.msg === 'order filled');
    expect(orderLines.map((e) => e.fields)).toEqual([
      expect.objectContaining({
        symbol: SYMBOL,
        side: 'buy',
        clientOrderId: buy.clientOrderId,
        amount: str(buy.filledBase),
        price: str(buy.averagePrice!),
        fee: str(buy.fee),
        feeCurrency: 'BTC',
        reason: buy.reason,
      }),
      expect.objectContaining({
        symbol: SYMBOL,
        side: 'sell',
        clientOrderId: sell.clientOrderId,
        amount: str(sell.filledBase),
        price: str(sell.averagePrice!),
        fee: str(sell.fee),
        feeCurrency: 'USDT',
        reason: sell.reason,
      }),
    ]);
    expect(buy.reason).toBeTruthy();
    expect(sell.reason).toContain('EXIT.STOP_LOSS');
    const fills = info.filter((e) => e.msg === 'fill');
    expect(fills.map((e) => e.fields)).toEqual([
      expect.objectContaining({
        symbol: SYMBOL,
        side: 'buy',
        amount: str(buy.filledBase),
        price: str(buy.averagePrice!),
        fee: str(buy.fee),
        feeCurrency: 'BTC',
        reason: buy.reason,
      }),
      expect.objectContaining({
        symbol: SYMBOL,
        side: 'sell',
        amount: str(sell.filledBase),
        price: str(sell.averagePrice!),
        fee: str(sell.fee),
        feeCurrency: 'USDT',
        reason: sell.reason,
        roundTripClosed: true,
      }),
    ]);

    // The sell left dust (the buy's fee came out of the base)…
    const held = (await bot.app.storage.positions.get(SYMBOL))!.baseQty;
    expect(held.gt('0')).toBe(true);
    // …and the report the API serves counts the round trip as closed, a loss.
    const api = storageReadModels({ ...bot.app.storage, symbols: [SYMBOL], dust: brokerDust(bot.app.broker) });
    const pnl = await api.pnl(bot.app.clock.now());
    expect(pnl.symbols[0]).toMatchObject({ fills: 2, closedTrades: 1, wins: 0, losses: 1, positionBase: str(held) });
    expect(pnl.warnings).toEqual([]);
  });
});
