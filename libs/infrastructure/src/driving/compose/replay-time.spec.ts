// Issue #15 item 11: in a paper replay every rule written in time runs on the replay's candle time.
// At REPLAY_SPEED=60 the default RISK_LOSS_STREAK_PAUSE_SEC (1 h) and RISK_MAX_ORDERS_PER_HOUR (10)
// used to count wall time: one pause stopped the demo for 60 replayed hours, ten orders for 60.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { VirtualScheduler } from '@cab/application';
import { SequentialIds } from '@cab/domain/testing';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
import { compose, type BotApp } from './compose';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const MINUTE = 60_000;

describe('paper replay on candle time (default settings, REPLAY_SPEED=60, a virtual wall clock)', () => {
  let tmp: { dir: string; cleanup: () => void };
  let app: BotApp | null = null;
  beforeEach(() => {
    tmp = tempDir('cab-replay-time-');
  });
  afterEach(async () => {
    await app?.close();
    app = null;
    tmp.cleanup();
  });

  it('keeps trading past the old wall-time pause and order cap, the pipeline clock running 60× the wall clock, /ready ok', async () => {
    const wall = new VirtualScheduler({ startMs: T0 });
    const settings = parseSettings({ DB_PATH: join(tmp.dir, 'bot.db'), MARKET_DATA: 'replay' }, { cwd: tmp.dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
    expect(settings.marketData.replaySpeed).toBe(60);
    expect(settings.risk).toMatchObject({ lossStreakMax: 3, lossStreakPauseSec: 3600, maxOrdersPerHour: 10 });
    app = await compose(settings, { clock: wall, scheduler: wall, timers: wall, ids: new SequentialIds('id-') });
    const halts: { ts: number; code: string }[] = [];
    app.bus.subscribe('safety.halted', 'spec', (e) => void halts.push({ ts: e.ts, code: e.code }));

    const c0 = app.clock.now();
    await app.orchestrator.start();
    // 30 minutes of wall time: 30 replayed hours (the bundled day and a quarter more, looped).
    // /ready each wall minute: the timers' and the market data's freshness must not fail on a clock running 60× the timers'.
    const probes: { trading: string; ready: boolean; down: string[] }[] = [];
    for (let m = 0; m < 30; m++) {
      await wall.advance(MINUTE);
      const r = await app.health.readiness();
      probes.push({
        trading: app.orchestrator.status().trading,
        ready: r.ready,
        down: r.components.filter((c) => c.status !== 'ok').map((c) => `${c.name}: ${c.detail ?? c.status}`),
      });
    }
    await app.orchestrator.stop();
    await app.bus.drain();

    const orders = (await app.storage.orders.find({ limit: 10_000 })).reverse();
    const filled = orders.filter((o) => o.status === 'filled');
    // More than the wall-time cap of 10 orders an hour allowed in these 30 minutes…
    expect(filled.length).toBeGreaterThan(10);
    // …yet never more than 10 in an hour of the pipeline's time.
    for (const o of filled) expect(filled.filter((p) => p.createdAt > o.createdAt - 60 * MINUTE && p.createdAt <= o.createdAt).length).toBeLessThanOrEqual(10);
    // The loss streak paused entries, and they resumed within the run: a pause of one replayed hour.
    const paused = halts.filter((h) => h.code === 'RISK.LOSS_STREAK');
    expect(paused.length).toBeGreaterThan(0);
    const firstPause = Math.min(...paused.map((b) => b.ts));
    expect(filled.some((o) => o.side === 'buy' && o.createdAt > firstPause + 60 * MINUTE)).toBe(true);
    // Ready whenever trading is active (a pause is a halt: degraded, as before, for one replayed hour).
    expect(probes.filter((p) => p.trading === 'active' && !p.ready)).toEqual([]);
    expect(probes.some((p) => p.ready)).toBe(true);
    // The pipeline's clock is candle time: 60× the wall clock's 30 minutes.
    expect(app.clock.now() - c0).toBeGreaterThanOrEqual(30 * 60 * MINUTE);
  }, 120_000);

  it('a restart on the same database resumes the replay clock after the newest stored order, on the file time of day', async () => {
    const settings = parseSettings({ DB_PATH: join(tmp.dir, 'bot.db'), MARKET_DATA: 'replay' }, { cwd: tmp.dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
    const wall = new VirtualScheduler({ startMs: T0 });
    const first = await compose(settings, { clock: wall, scheduler: wall, timers: wall, ids: new SequentialIds('a-') });
    const firstStart = first.clock.now();
    await first.orchestrator.start();
    await wall.advance(10 * MINUTE);
    await first.orchestrator.stop();
    const [newest] = await first.storage.orders.find({ limit: 1 });
    await first.close();
    expect(newest).toBeDefined();
    // Ten replayed hours ahead of the wall clock, which a restart one wall minute later is far behind.
    const again = new VirtualScheduler({ startMs: T0 + 11 * MINUTE });
    app = await compose(settings, { clock: again, scheduler: again, timers: again, ids: new SequentialIds('b-') });
    expect(app.clock.now()).toBeGreaterThan(newest!.createdAt);
    expect((app.clock.now() - firstStart) % 86_400_000).toBe(0);
  }, 60_000);
});
