import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualScheduler } from '@cab/application';
import { startBot, type PipelineBot } from '@cab/infrastructure/testing';
import { makeLivePipelineWorld, type LiveWorld } from './live-world';

/**
 * A restart resumes from where the last reconcile pass stopped reading the venue's trades (the
 * cursor is saved in the database), not from a fixed 24 h look-back: after a long downtime the
 * trades in between — an order placed by hand, the fill of an order we never heard back about —
 * are still read.
 */
describe('reconcile trade cursor across a restart (live mode)', () => {
  let world: LiveWorld;
  let dir: string;
  const bots: PipelineBot[] = [];
  beforeEach(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-restart-state-'));
    world = await makeLivePipelineWorld();
  });
  afterEach(async () => {
    for (const b of bots.splice(0)) await b.app.close();
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const tradeReads = (): number[] =>
    world.emu.requests
      .filter((r) => r.path === '/api/v4/spot/my_trades' || r.path === '/spot/my_trades')
      .map((r) => Number(new URLSearchParams(r.query).get('from')));

  it('the first pass after a restart two days later reads trades from the saved cursor', async () => {
    const first = await startBot(world, dir);
    bots.push(first);
    await first.app.orchestrator.start();
    await first.vs.advance(10 * 60_000);
    await first.step('reconcile');
    const [cursor] = await first.app.storage.safety.tradeCursors();
    expect(cursor?.symbol).toBe('BTC/USDT');
    expect(cursor?.unreadSince).toBeNull();
    await first.app.close();
    bots.splice(0);

    // Two days later, on the same database.
    const later = new VirtualScheduler({ startMs: first.vs.now() + 2 * 86_400_000 });
    world.emu.requests.splice(0);
    const second = await startBot(world, dir, {}, { clock: later, scheduler: later, timers: later });
    bots.push(second);
    await second.app.orchestrator.start(); // reconciles once before anything trades
    const reads = tradeReads();
    expect(reads.length).toBeGreaterThan(0);
    // Gate takes `from` in seconds; the oldest window of the pass starts at the saved cursor.
    expect(Math.min(...reads)).toBe(Math.floor(cursor!.tradesSince / 1000));
  });
});
