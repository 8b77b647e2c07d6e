// A plug-in strategy in the composed paper bot (docs/strategies.md): found by STRATEGY and
// STRATEGY_PATH as the settings give them, and a throw inside it halts entries, not the bot.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makePaperPipelineWorld } from './testing/paper-world';
import { SYMBOL, startBot, type PipelineBot, type PipelineWorld } from './testing/pipeline.contract';

const EXAMPLES = resolve(__dirname, '../../../../../examples/strategies');

/** Holds until its `n`-th signal, then throws (a bug in someone's strategy). */
const THROWER = `
import { defineStrategy, lazySignal } from '@cab/domain';
let calls = 0;
export default defineStrategy({
  name: 'thrower',
  parameters: { n: { type: 'integer', min: 1, max: 100, default: 2 } },
  create: (p) => ({
    name: 'thrower', warmup: 2,
    update: () => undefined,
    signal: () => { calls++; if (calls >= p.n) throw new TypeError("Cannot read properties of undefined (reading 'close')"); return lazySignal('hold', () => ['TEST.HOLD']); },
    reset: () => undefined,
  }),
});
`;

describe('a plug-in strategy in the paper bot', () => {
  let world: PipelineWorld;
  let dir: string;
  let plugins: string;
  let bot: PipelineBot | null = null;

  beforeEach(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-plugin-paper-'));
    plugins = fs.mkdtempSync(join(tmpdir(), 'cab-plugins-'));
    world = await makePaperPipelineWorld();
  });
  afterEach(async () => {
    await bot?.app.close();
    bot = null;
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(plugins, { recursive: true, force: true });
  });

  // strategy: undefined, so compose builds the strategy from the settings, as the server does.
  const start = async (env: Record<string, string>): Promise<PipelineBot> => {
    bot = await startBot(world, dir, env, { strategy: undefined });
    await bot.app.orchestrator.start();
    return bot;
  };

  it('runs an example copied under a new name into an empty folder, by that name', async () => {
    fs.copyFileSync(join(EXAMPLES, 'donchian_breakout.ts'), join(plugins, 'my_channel.ts'));
    const b = await start({ STRATEGY: 'my_channel', STRATEGY_PATH: plugins, STRATEGY_PARAMS: '{"entryPeriod":10,"exitPeriod":5}' });
    await b.step('eval');
    const [signal] = await b.app.storage.audit.find({ kind: 'signal', symbol: SYMBOL });
    expect(signal?.summary).toBe('my_channel: hold');
    // The plug-in's own reason: a flat market is inside its channel.
    expect(JSON.stringify(signal?.data)).toMatch(/SIGNAL\.IN_CHANNEL: 50000\.00 <= close 50000\.00 <= 50000\.00/);
  });

  it('halts entries with the strategy message when it throws, and keeps running', async () => {
    fs.writeFileSync(join(plugins, 'thrower.ts'), THROWER);
    const b = await start({ STRATEGY: 'thrower', STRATEGY_PATH: plugins });
    await b.step('eval');
    expect(b.app.trading.state()).toBe('active');
    await b.vs.advance(60_000);
    await b.step('eval');
    expect(b.app.trading.state()).toBe('reducing');
    expect(b.app.trading.reasons().join('\n')).toMatch(
      /STRATEGY\.ERROR.*BTC\/USDT: strategy thrower threw in signal on the candle of .*: Cannot read properties of undefined \(reading 'close'\)/,
    );
    // The loops go on: exits and reconcile still run, and another evaluation is no crash.
    await b.step('exits');
    await b.step('reconcile');
    await b.vs.advance(60_000);
    await expect(b.step('eval')).resolves.toBeUndefined();
    expect(b.app.trading.has('STRATEGY.ERROR')).toBe(true);
  });
});
