import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { str } from '@cab/domain';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../../testing';
import { makePaperPipelineWorld } from './testing/paper-world';
import { startBot, type PipelineBot } from './testing/pipeline.contract';

// DB_URL + BOT_ID through compose (openStorageFromSettings): two paper bots on one Postgres
// database, the same client order ids on purpose (both number their orders cid-1, cid-2, …).
jest.setTimeout(120_000);

describe('compose on Postgres (DB_URL): two bots with different BOT_IDs side by side', () => {
  let database: TestPostgresDatabase;
  const bots: PipelineBot[] = [];
  const dirs: string[] = [];
  beforeEach(async () => (database = await createTestPostgresDatabase('cab_compose')));
  afterEach(async () => {
    for (const b of bots.splice(0)) await b.app.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    await database.drop();
  });

  const start = async (botId: string): Promise<PipelineBot> => {
    const dir = fs.mkdtempSync(join(tmpdir(), `cab-pg-${botId}-`));
    dirs.push(dir);
    const bot = await startBot(await makePaperPipelineWorld(), dir, { DB_URL: database.url, BOT_ID: botId });
    bots.push(bot);
    await bot.app.orchestrator.start();
    return bot;
  };

  it('each trades into its own rows and reads only them', async () => {
    const alpha = await start('alpha');
    const beta = await start('beta');
    expect([alpha.app.storage.dialect, alpha.app.storage.botId, beta.app.storage.botId]).toEqual(['postgres', 'alpha', 'beta']);
    alpha.strategy.next = 'buy';
    await alpha.step('eval');
    alpha.strategy.next = 'hold';
    beta.strategy.next = 'buy';
    await beta.step('eval');
    beta.strategy.next = 'hold';
    await beta.setPrice('51000');
    beta.strategy.next = 'sell';
    await beta.step('eval');

    const a = await alpha.orders();
    const b = await beta.orders();
    expect(a.map((o) => [o.side, o.status])).toEqual([['buy', 'filled']]);
    expect(b.map((o) => [o.side, o.status])).toEqual([
      ['sell', 'filled'],
      ['buy', 'filled'],
    ]);
    // The same client order id in both bots: two rows, one per bot.
    expect(b.map((o) => o.clientOrderId)).toContain(a[0]!.clientOrderId);
    expect(str((await alpha.app.storage.positions.get('BTC/USDT'))!.baseQty)).not.toBe('0');
    const betaPosition = await beta.app.storage.positions.get('BTC/USDT');
    expect(betaPosition === null || betaPosition.baseQty.lt('0.00001')).toBe(true);
    expect((await alpha.app.storage.fills.bySymbol('BTC/USDT')).every((f) => f.side === 'buy')).toBe(true);
    expect(await beta.app.storage.fills.bySymbol('BTC/USDT')).toHaveLength(2);
    const rows = await alpha.app.storage.db
      .selectFrom('orders')
      .select(['bot_id'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy('bot_id')
      .orderBy('bot_id')
      .execute();
    expect(rows).toEqual([
      { bot_id: 'alpha', n: 1 },
      { bot_id: 'beta', n: 2 },
    ]);
  });
});
