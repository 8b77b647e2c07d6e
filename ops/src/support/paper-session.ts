import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Metrics } from '@cab/application';
import { attachBusinessMetrics, type PromMetrics } from '@cab/infrastructure';
import { makePaperPipelineWorld, startBot } from '@cab/infrastructure/testing';

/**
 * One short paper-mode life of the composed bot (compose() on a real SQLite file, virtual time,
 * scripted market and strategy — the pipeline contract's harness) with the given Metrics: start
 * (reconcile first), a buy, a stop-loss sell, a reconcile and a watchdog pass, then a clean close.
 * The business metrics the server attaches (read at scrape time) are attached to `prom` as in
 * apps/server, and one scrape is taken before the close, so the registry holds what /metrics shows.
 */
export async function runPaperSession(metrics: Metrics, prom: PromMetrics): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cab-ops-session-'));
  const world = await makePaperPipelineWorld();
  try {
    const bot = await startBot(world, dir, { LOG_LEVEL: 'ERROR' }, { metrics });
    const detach = attachBusinessMetrics(bot.app, prom);
    try {
      await bot.app.orchestrator.start();
      bot.strategy.next = 'buy';
      await bot.step('eval');
      bot.strategy.next = 'hold';
      await bot.setPrice('48900'); // below the 2 % stop of the contract's settings
      await bot.vs.advance(60_000);
      await bot.step('exits');
      await bot.step('reconcile');
      await bot.step('watchdog');
      await bot.step('eval');
      await bot.app.bus.drain();
      return await prom.text();
    } finally {
      detach();
      await bot.app.close();
    }
  } finally {
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
