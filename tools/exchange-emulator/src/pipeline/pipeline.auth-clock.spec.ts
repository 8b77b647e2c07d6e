import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startBot, type PipelineBot } from '@cab/infrastructure/testing';
import type { EmulatorOptions } from '../server';
import { makeLivePipelineWorld, type LiveWorld } from './live-world';

jest.setTimeout(60_000);

const FIVE_MINUTES = 5 * 60_000;

/**
 * A wrong API secret and a local clock off by minutes, through the real ccxt client: their own
 * halts (BROKER.AUTH, BROKER.CLOCK) and /health's broker down with the reason — not a
 * reconcile mismatch beside a broker reported "ok" — and a clock that can be corrected trades.
 */
describe('live pipeline: credentials and clock the venue refuses', () => {
  let world: LiveWorld;
  let dir: string;
  let bot: PipelineBot;

  async function start(emulator: EmulatorOptions, arm: (w: LiveWorld) => void = () => undefined): Promise<void> {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-auth-clock-'));
    world = await makeLivePipelineWorld(emulator);
    arm(world);
    bot = await startBot(world, dir, { MARKET_DATA: 'exchange' });
    await bot.app.orchestrator.start();
  }
  afterEach(async () => {
    await bot.app.close();
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const halts = (): string[] => bot.app.orchestrator.status().haltReasons;
  const brokerHealth = async () => (await bot.app.health.health()).components.find((c) => c.name === 'broker');

  it('a wrong API secret halts as BROKER.AUTH, and /health shows the broker down with the reason', async () => {
    await start({ apiSecret: 'the-secret-the-venue-really-has' });
    expect(halts()).toEqual(expect.arrayContaining([expect.stringMatching(/^BROKER\.AUTH: the exchange refused our API key or secret: INVALID_SIGNATURE/)]));
    expect(bot.app.orchestrator.status().trading).toBe('halted');
    const broker = await brokerHealth();
    expect(broker).toMatchObject({ status: 'down', detail: expect.stringContaining('API key or secret refused: fatal INVALID_SIGNATURE') });
    expect((await bot.app.health.health()).status).toBe('down');
    // No entry is sent while halted.
    bot.strategy.next = 'buy';
    await bot.step('eval');
    expect(world.emu.exchange.orders).toHaveLength(0);
  });

  it('a local clock 5 minutes behind: corrected from the venue time, reconcile clean and a buy fills', async () => {
    await start({ clockOffsetMs: FIVE_MINUTES });
    expect(halts()).toEqual([]);
    expect(world.emu.requests.some((r) => r.path === '/spot/time')).toBe(true);
    expect(await brokerHealth()).toMatchObject({ status: 'ok' });
    bot.strategy.next = 'buy';
    await bot.step('eval');
    await bot.app.bus.drain();
    expect((await bot.orders()).map((o) => o.status)).toEqual(['filled']);
    expect(world.emu.exchange.orders).toHaveLength(1);
  });

  it('a local clock 5 minutes ahead that cannot be corrected (venue time unreadable) halts as BROKER.CLOCK; a later signed read clears it', async () => {
    await start({ clockOffsetMs: -FIVE_MINUTES }, (w) => w.emu.faults.always('GET /spot/time', { kind: 'status', status: 503 }));
    expect(halts()).toEqual(expect.arrayContaining([expect.stringMatching(/^BROKER\.CLOCK: the exchange refused our request time .*REQUEST_EXPIRED/)]));
    expect(await brokerHealth()).toMatchObject({ status: 'down', detail: expect.stringContaining('request time refused (clock)') });
    world.emu.faults.clear();
    await bot.step('reconcile');
    expect(halts().filter((h) => h.startsWith('BROKER.CLOCK'))).toEqual([]);
    expect(await brokerHealth()).toMatchObject({ status: 'ok' });
  });
});
