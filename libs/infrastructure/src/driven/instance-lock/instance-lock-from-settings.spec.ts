import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { VirtualScheduler } from '@cab/application';
import { RecordingLogger } from '@cab/application/testing';
import { Client } from 'pg';
import { compose, type BotApp } from '../../driving/compose/compose';
import { ComposeError } from '../../driving/compose/market-data-from-settings';
import { parseSettings, type Settings } from '../../settings';
import { systemClock } from '../time/system-time';
import { createTestPostgresDatabase, tempDir, type TestPostgresDatabase } from '../../testing';
import { FileInstanceLock } from './file-instance-lock';
import { instanceLockFromSettings } from './instance-lock-from-settings';
import { PostgresInstanceLock } from './postgres-instance-lock';

const LIVE = { MODE: 'live', MARKET_DATA: 'exchange', API_KEY: 'KNOWN-api-key-3f9c2a', API_SECRET: 'KNOWN-api-secret-77e1b0' };

describe('instanceLockFromSettings and compose (real Postgres)', () => {
  let tmp: { dir: string; cleanup: () => void };
  let db: TestPostgresDatabase;
  const apps: BotApp[] = [];
  const settingsFor = (env: Record<string, string>): Settings =>
    parseSettings({ DB_PATH: join(tmp.dir, 'bot.db'), MARKET_DATA: 'replay', ...env }, { cwd: tmp.dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
  const deps = () => ({ clock: systemClock, logger: new RecordingLogger(), lockDir: join(tmp.dir, 'locks'), onLost: () => undefined });

  beforeEach(async () => {
    tmp = tempDir('cab-lock-sel-');
    db = await createTestPostgresDatabase('locksel');
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    await db.drop();
    tmp.cleanup();
  });

  it('DB_URL selects the Postgres lock in every mode (the account too in live); without it, lock files: the DB and the account in live, the bot beside its intent log in paper', () => {
    const paperFile = instanceLockFromSettings(settingsFor({ BOT_ID: 'bot-a' }), deps());
    expect(paperFile).toBeInstanceOf(FileInstanceLock);
    expect((paperFile as FileInstanceLock).paths()).toEqual({ db: join(tmp.dir, 'bot.db-intents-bot-a.lock'), account: null });
    expect(instanceLockFromSettings(settingsFor({ DB_PATH: ':memory:' }), deps())).toBeNull();
    const liveFile = instanceLockFromSettings(settingsFor(LIVE), deps());
    expect(liveFile).toBeInstanceOf(FileInstanceLock);
    expect((liveFile as FileInstanceLock).paths()).toEqual({
      db: join(tmp.dir, 'bot.db.lock'),
      account: expect.stringMatching(/locks\/account-gateio-[0-9a-f]+\.lock$/),
    });
    const paper = instanceLockFromSettings(settingsFor({ DB_URL: db.url, BOT_ID: 'bot-a' }), deps());
    expect(paper).toBeInstanceOf(PostgresInstanceLock);
    expect((paper as PostgresInstanceLock).lockKeys().map((k) => k.scope)).toEqual(['db']);
    const live = instanceLockFromSettings(settingsFor({ ...LIVE, DB_URL: db.url, BOT_ID: 'bot-a' }), deps());
    expect(live).toBeInstanceOf(PostgresInstanceLock);
    expect((live as PostgresInstanceLock).lockKeys().map((k) => k.scope)).toEqual(['db', 'account']);
    expect((live as PostgresInstanceLock).applicationName()).toBe(`cab pid ${process.pid} on ${os.hostname()} bot bot-a`.slice(0, 63));
  });

  it('compose on Postgres: a second bot under the same BOT_ID is refused naming the holder; another BOT_ID runs', async () => {
    const vs = new VirtualScheduler({ startMs: Date.UTC(2026, 0, 5) });
    const first = await compose(settingsFor({ DB_URL: db.url, BOT_ID: 'bot-a' }), { scheduler: vs, timers: vs, logger: new RecordingLogger() });
    apps.push(first);
    const second = compose(settingsFor({ DB_URL: db.url, BOT_ID: 'bot-a', DB_PATH: join(tmp.dir, 'other.db') }), {
      scheduler: vs,
      timers: vs,
      logger: new RecordingLogger(),
    });
    await expect(second).rejects.toThrow(ComposeError);
    await expect(second).rejects.toMatchObject({
      code: 'COMPOSE.LOCK_REFUSED',
      message: expect.stringContaining(`bot "bot-a" is already running on this database: pid ${process.pid} on ${os.hostname()}`),
    });
    apps.push(
      await compose(settingsFor({ DB_URL: db.url, BOT_ID: 'bot-b', DB_PATH: join(tmp.dir, 'b.db') }), {
        scheduler: vs,
        timers: vs,
        logger: new RecordingLogger(),
      }),
    );
  });

  it('compose on Postgres: the lock’s session terminated by the server halts trading at once (LOCK.LOST)', async () => {
    const vs = new VirtualScheduler({ startMs: Date.UTC(2026, 0, 5) });
    const app = await compose(settingsFor({ DB_URL: db.url, BOT_ID: 'bot-a' }), { scheduler: vs, timers: vs, logger: new RecordingLogger() });
    apps.push(app);
    await app.orchestrator.start();
    expect(app.trading.state()).toBe('active');
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'cab pid ${process.pid} on %'`);
    } finally {
      await admin.end();
    }
    const deadline = Date.now() + 60_000;
    while (!app.trading.has('LOCK.LOST') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(app.trading.state()).toBe('halted');
    expect(app.trading.list().find((h) => h.code === 'LOCK.LOST')?.reason).toMatch(/^instance lock lost: the lock connection (failed|was closed)/);
    // The operator's resume in this process would trade unlocked: the halt stays, in memory and in the store.
    const resumed = await app.control.resume({ via: 'http', who: 'ops' });
    expect(resumed.ok).toBe(true);
    expect(app.trading.has('LOCK.LOST')).toBe(true);
    await app.orchestrator.resume('operator resume');
    expect(app.trading.has('LOCK.LOST')).toBe(true);
    expect((await app.storage.safety.halts()).map((h) => h.code)).toContain('LOCK.LOST');
    await app.close();
    // A restart takes the lock again, and with it clears the stored halt.
    const again = await compose(settingsFor({ DB_URL: db.url, BOT_ID: 'bot-a' }), { scheduler: vs, timers: vs, logger: new RecordingLogger() });
    apps.push(again);
    expect((await again.storage.safety.halts()).map((h) => h.code)).not.toContain('LOCK.LOST');
    await again.orchestrator.start();
    expect(again.trading.state()).toBe('active');
  });

  it('compose refuses to start when the Postgres of DB_URL cannot be reached, with a message and no password', async () => {
    const u = new URL(db.url);
    u.port = '1';
    u.password = 'SEKRET-pw-42';
    const r = compose(settingsFor({ DB_URL: u.toString(), BOT_ID: 'bot-a' }), { logger: new RecordingLogger() });
    await expect(r).rejects.toMatchObject({
      code: 'COMPOSE.LOCK_REFUSED',
      message: expect.stringMatching(/cannot connect to the Postgres of DB_URL for the instance lock/),
    });
    await expect(r).rejects.not.toThrow(/SEKRET-pw-42/);
  });
});
