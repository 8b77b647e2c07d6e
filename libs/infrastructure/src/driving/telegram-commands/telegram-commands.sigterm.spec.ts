import { fork } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tempDir } from '../../testing';
import { eventually, FakeBotApi } from './testing/fake-bot-api';

const REPO_ROOT = resolve(__dirname, '../../../../..');
const CHILD = resolve(__dirname, '../../../test/telegram/commands-bot-child.ts');
const TOKEN = '7000001:AAH-sigterm-spec-secret-token';
const CHAT = 4242;

/** The worker with TELEGRAM_COMMANDS=true in a child process (real settings from its environment, real logger on stdout). */
function run(apiRoot: string, dir: string) {
  const child = fork(CHILD, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: resolve(REPO_ROOT, 'tsconfig.base.json'),
      DB_PATH: join(dir, 'bot.db'),
      WORKER_PORT: '0',
      AUTOSTART: 'false',
      MARKET_DATA: 'synthetic',
      LOG_LEVEL: 'debug',
      TELEGRAM_COMMANDS: 'true',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: String(CHAT),
      TELEGRAM_API_URL: apiRoot,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const messages: string[] = [];
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  child.on('message', (m: { kind: string }) => void messages.push(m.kind));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, messages, exited, output: () => output };
}

describe('a bot process with Telegram commands stops cleanly on SIGTERM (real child process, loopback Bot API)', () => {
  let api: FakeBotApi;
  let apiRoot: string;
  const tmp = tempDir('cab-telegram-sigterm-');
  beforeEach(async () => {
    api = new FakeBotApi();
    apiRoot = await api.start();
  });
  afterEach(() => api.close());
  afterAll(() => tmp.cleanup());

  it('while a long poll hangs: answers a command, then exits 0 by itself; the token is in no log line', async () => {
    const bot = run(apiRoot, join(tmp.dir, 'a'));
    await eventually(() => (bot.messages.includes('ready') ? true : undefined), 'the bot to start', 60_000);
    api.sendText(CHAT, CHAT, '/status');
    const answer = await eventually(() => api.sent(CHAT)[0], 'the answer', 60_000);
    expect(answer.text).toMatch(/^📊 paper · stopped · trading active/);
    await eventually(() => (api.of('getUpdates').length >= 2 ? true : undefined), 'the next long poll (held 30 s by the fake)');
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.messages).toEqual(['ready', 'stopped']);
    expect(bot.output()).toContain('telegram commands polling');
    expect(bot.output()).not.toContain(TOKEN);
  });

  it('while it waits out a 429’s retry_after of 10 minutes: exits 0 by itself', async () => {
    api.fail('getUpdates', FakeBotApi.tooManyRequests(600));
    const bot = run(apiRoot, join(tmp.dir, 'b'));
    await eventually(() => (bot.output().includes('rate_limited') ? true : undefined), 'the 429 to be logged', 60_000);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.output()).not.toContain(TOKEN);
  });
});
