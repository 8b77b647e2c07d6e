import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@cab/application/testing';
import { smokeCommand } from '@cab/infrastructure';
import { settingsFor, startBot, type PipelineBot } from '@cab/infrastructure/testing';
import { makeLivePipelineWorld, type LiveWorld } from './live-world';

/**
 * The dead man's switch is Gate's countdown cancel-all: when it fires it cancels every open order
 * on the pair, the owner's own included. The documented way is a dedicated sub-account; when the
 * account holds orders the bot did not send, the start log and `cab smoke` say so.
 */
describe('orders the bot did not send (live mode)', () => {
  let world: LiveWorld;
  let dir: string;
  let bot: PipelineBot | null = null;
  beforeEach(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-foreign-'));
    world = await makeLivePipelineWorld();
  });
  afterEach(async () => {
    await bot?.app.close();
    bot = null;
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const restingManualBuy = () =>
    world.emu.exchange.createOrder({ currency_pair: 'BTC_USDT', type: 'limit', side: 'buy', amount: '0.001', price: '40000', text: 't-web1', account: 'spot' });
  const warnings = (b: PipelineBot) =>
    (b.app.logger as RecordingLogger).at('warn').filter((e) => e.msg === 'the account holds open orders the bot did not send');

  it('the start log warns, naming the order, when the account holds an order placed by hand', async () => {
    const manual = restingManualBuy();
    bot = await startBot(world, dir);
    await bot.app.orchestrator.start();
    const w = warnings(bot);
    expect(w).toHaveLength(1);
    expect(String(w[0]!.fields['detail'])).toContain(manual.id);
    expect(String(w[0]!.fields['detail'])).toMatch(/dedicated sub-account/);
  });

  it('no warning on an account with no order but the bot’s', async () => {
    bot = await startBot(world, dir);
    await bot.app.orchestrator.start();
    expect(warnings(bot)).toEqual([]);
  });

  it('`cab smoke` shows the order as a warning row', async () => {
    const manual = restingManualBuy();
    const settings = settingsFor(dir, world, { MARKET_DATA: 'exchange' });
    const r = await smokeCommand({ settings: () => settings, logger: new RecordingLogger(), json: true, overrides: { lockDir: join(dir, 'locks') } });
    const rows = (JSON.parse(r.stdout) as { checks: { check: string; status: string; detail: string }[] }).checks;
    const row = rows.find((x) => x.check === 'account orders BTC/USDT');
    expect(row?.status).toBe('warn');
    expect(row?.detail).toContain(manual.id);
  });
});
