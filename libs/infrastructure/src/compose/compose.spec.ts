import * as fs from 'node:fs';
import { join } from 'node:path';
import { VirtualScheduler } from '@cab/application';
import { RecordingLogger } from '@cab/application/testing';
import { SequentialIds } from '@cab/domain/testing';
import { parseSettings, type Settings } from '../settings';
import { tempDir } from '../testing';
import { compose, type BotApp } from './compose';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

function settingsFor(dir: string, env: Record<string, string> = {}): Settings {
  return parseSettings({ DB_PATH: join(dir, 'bot.db'), MARKET_DATA: 'replay', ...env }, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
}

describe('compose (paper, replay, virtual time)', () => {
  let tmp: { dir: string; cleanup: () => void };
  let app: BotApp | null = null;
  beforeEach(() => {
    tmp = tempDir('cab-compose-');
  });
  afterEach(async () => {
    await app?.close();
    app = null;
    tmp.cleanup();
  });

  it('starts (reconciling first), runs every loop on the scheduler, and stops and starts again', async () => {
    const vs = new VirtualScheduler({ startMs: T0 });
    const logger = new RecordingLogger();
    app = await compose(settingsFor(tmp.dir), { clock: vs, scheduler: vs, timers: vs, ids: new SequentialIds('id-'), logger });
    expect(app.orchestrator.status().state).toBe('stopped');
    await app.orchestrator.start();
    await app.orchestrator.start(); // idempotent
    const s = app.orchestrator.status();
    expect(s.state).toBe('running');
    expect(s.mode).toBe('paper');
    expect(s.symbols).toEqual(['BTC/USDT']);
    expect(s.loops.reconcile.runs).toBe(1); // the reconcile before any evaluation
    expect(s.loops.eval.runs).toBe(0);
    await vs.advance(60_000);
    const after = app.orchestrator.status();
    expect(after.loops.eval.runs).toBe(20);
    expect(after.loops.exits.runs).toBe(12);
    expect(after.loops.reconcile.runs).toBe(7);
    expect(after.loops.watchdog.runs).toBe(20);
    expect(after.loops.eval.lastError).toBeNull();
    expect(after.trading).toBe('active');
    await app.orchestrator.stop();
    expect(app.orchestrator.status().state).toBe('stopped');
    await vs.advance(60_000);
    expect(app.orchestrator.status().loops.eval.runs).toBe(20);
    await app.orchestrator.start();
    await vs.advance(3_000);
    expect(app.orchestrator.status().loops.eval.runs).toBe(21);
    const health = await app.health.health();
    expect(health.components.map((c) => `${c.name}:${c.status}`)).toEqual(
      expect.arrayContaining(['db:ok', 'broker:ok', 'market_data:ok', 'loops:ok', 'telegram:ok', 'dead_letters:ok']),
    );
  });

  it('refuses MARKET_DATA=exchange with a clear error', async () => {
    await expect(compose(settingsFor(tmp.dir, { MARKET_DATA: 'exchange' }))).rejects.toThrow('MARKET_DATA=exchange is not available yet');
  });
});
