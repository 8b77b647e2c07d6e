// The composed pipeline feeds its streaming strategy every closed candle once, in order (issue #16).
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Candle, Signal, Strategy, StrategyFactory } from '@cab/domain';
import { makePaperPipelineWorld } from './testing/paper-world';
import { startBot, type PipelineBot } from './testing/pipeline.contract';
import type { PipelineWorld } from './testing/pipeline.contract';

/** Makes one recording strategy per symbol; each remembers the open times it was fed, and its resets. */
class RecordingFactory implements StrategyFactory {
  readonly name = 'recording';
  readonly warmup = 5;
  readonly params = {};
  readonly made: { fed: number[]; resets: number }[] = [];
  create(): Strategy {
    const log = { fed: [] as number[], resets: 0 };
    this.made.push(log);
    return {
      name: this.name,
      warmup: this.warmup,
      update: (c: Candle) => void log.fed.push(c.ts),
      reset: () => {
        log.resets++;
        log.fed.length = 0;
      },
      signal: (): Signal => ({ action: 'hold', reasons: ['SIGNAL.RECORDING: hold'] }),
    };
  }
}

describe('the paper pipeline streams candles into its strategy', () => {
  let world: PipelineWorld;
  let dir: string;
  let bot: PipelineBot;
  const factory = new RecordingFactory();

  beforeEach(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-feed-'));
    world = await makePaperPipelineWorld();
    bot = await startBot(world, dir, {}, { strategy: factory });
    await bot.app.orchestrator.start();
  });
  afterEach(async () => {
    await bot.app.close();
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('warms up once, feeds nothing twice when a candle is evaluated again, then only the new candles', async () => {
    const tf = 60_000;
    await bot.step('eval');
    const [s] = factory.made.slice(-1);
    const warm = [...s!.fed];
    expect(warm).toHaveLength(5);
    // The same candle again, twice: nothing new to feed.
    await bot.vs.advance(10_000);
    await bot.step('eval');
    await bot.step('eval');
    expect(s!.fed).toEqual(warm);
    // Three candles later: exactly those three, in order, one after the other.
    await bot.vs.advance(3 * tf);
    await bot.step('eval');
    const last = warm.at(-1)!;
    expect(s!.fed).toEqual([...warm, last + tf, last + 2 * tf, last + 3 * tf]);
    expect(s!.resets).toBe(1);
    expect(factory.made).toHaveLength(1);
  });
});
