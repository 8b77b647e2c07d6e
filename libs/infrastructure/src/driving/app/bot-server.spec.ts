import * as fs from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { RecordingLogger } from '@cab/application/testing';
import { parseSettings, type Settings } from '../../settings';
import { tempDir } from '../../testing';
import { startBot } from './bot-server';
import { StartupRefused } from './startup-refused';

const tmp = tempDir('cab-startbot-');
afterAll(() => tmp.cleanup());

const settings = (env: Record<string, string>): Settings =>
  parseSettings(
    {
      DB_PATH: join(
        tmp.dir,
        `${Object.values(env)
          .join('-')
          .replace(/[^a-z0-9]/gi, '')}.db`,
      ),
      PORT: '0',
      WORKER_PORT: '0',
      ...env,
    },
    { cwd: tmp.dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
  );

describe('startBot (in process, real HTTP on 127.0.0.1)', () => {
  it('worker: serves /health and /metrics, no control API, trading per AUTOSTART; stop() closes the socket', async () => {
    const bot = await startBot(settings({ AUTOSTART: 'false' }), { role: 'worker', overrides: { logger: new RecordingLogger() } });
    try {
      expect(bot.app.orchestrator.status().state).toBe('stopped');
      expect((await fetch(`${bot.http.url}/health`)).status).toBe(200);
      expect(await (await fetch(`${bot.http.url}/metrics`)).text()).toContain('cab_orchestrator_running{bot="default"} 0');
      expect((await fetch(`${bot.http.url}/orchestrator/status`)).status).toBe(404);
    } finally {
      await bot.stop();
    }
    await expect(fetch(`${bot.http.url}/health`)).rejects.toThrow();
    await bot.stop(); // idempotent
  });

  it('paper server starts trading by itself', async () => {
    const bot = await startBot(settings({ MODE: 'paper' }), { role: 'server', overrides: { logger: new RecordingLogger() } });
    try {
      expect(bot.app.orchestrator.status().state).toBe('running');
    } finally {
      await bot.stop();
    }
    expect(bot.app.orchestrator.status().state).toBe('stopped');
  });

  it('a live server without API_TOKEN is refused before anything is opened', async () => {
    const s = settings({ MODE: 'live', MARKET_DATA: 'exchange', API_KEY: 'k', API_SECRET: 's', DB_PATH: join(tmp.dir, 'never.db') });
    await expect(startBot(s, { role: 'server' })).rejects.toThrow(StartupRefused);
    expect(fs.existsSync(join(tmp.dir, 'never.db'))).toBe(false);
  });

  it('an order intent log that does not read back refuses the start with its file and line, and is left as it was', async () => {
    const dbPath = join(tmp.dir, 'corrupt-intents.db');
    const log = `${dbPath}-intents-default`;
    fs.writeFileSync(log, 'not an intent\n{"folded":true}\n');
    const err = await startBot(settings({ DB_PATH: dbPath, AUTOSTART: 'false' }), { role: 'worker', overrides: { logger: new RecordingLogger() } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupRefused);
    expect((err as StartupRefused).message).toBe(
      `STORAGE.INTENT_LOG: ${log}: line 1 is not an order intent; move the file aside to start (its orders are then unknown to the bot)`,
    );
    expect(fs.readFileSync(log, 'utf8')).toBe('not an intent\n{"folded":true}\n');
  });

  it('a port in use is refused with the variable to change, and the bot is closed', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startBot(settings({ PORT: String(port), AUTOSTART: 'false' }), { role: 'server', overrides: { logger: new RecordingLogger() } }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StartupRefused);
      expect((err as StartupRefused).message).toMatch(/HTTP.ADDRESS_IN_USE: 127\.0\.0\.1:\d+ is in use \(set PORT\)/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
