import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@cab/application/testing';
import { startBot as startRunningBot } from '../app/bot-server';
import { makePaperPipelineWorld } from '../compose/testing/paper-world';
import { startBot, type PipelineBot } from '../compose/testing/pipeline.contract';
import { performanceReport } from '../reports/performance-report';
import { parseSettings } from '../../settings';
import { telegramCommandsForApp } from './from-settings';
import { quoteText, signedQuoteText } from './money-text';
import type { TelegramCommands } from './telegram-commands';
import { eventually, FakeBotApi } from './testing/fake-bot-api';
import { RecordingControl } from './testing/recording-control';

const TOKEN = '7000001:AAH-paper-spec-secret-token';
const CHAT = 4242;

let api: FakeBotApi;
let apiRoot: string;
let dir: string;
beforeEach(async () => {
  api = new FakeBotApi();
  apiRoot = await api.start();
  dir = fs.mkdtempSync(join(tmpdir(), 'cab-telegram-'));
});
afterEach(async () => {
  await api.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The commands' answers: the alerts of the composed bot go to the same chat, prefixed with its label. */
const answers = (): string[] =>
  api
    .sent(CHAT)
    .map((m) => m.text)
    .filter((t) => !t.startsWith('[paper '));

async function ask(text: string): Promise<string> {
  const before = answers().length;
  api.sendText(CHAT, CHAT, text);
  return eventually(() => answers()[before], `an answer to ${text}`);
}

const telegramEnv = (): Record<string, string> => ({
  TELEGRAM_COMMANDS: 'true',
  TELEGRAM_BOT_TOKEN: TOKEN,
  TELEGRAM_CHAT_ID: String(CHAT),
  TELEGRAM_API_URL: apiRoot,
});

describe('Telegram commands on the composed paper bot (compose(), PaperVenue, real SQLite)', () => {
  let bot: PipelineBot;
  let commands: TelegramCommands | null = null;
  afterEach(async () => {
    await commands?.stop();
    await bot.app.close();
  });

  it('/status and /profit read the real stores after a paper round trip', async () => {
    bot = await startBot(await makePaperPipelineWorld(), dir, telegramEnv());
    const { app } = bot;
    await app.orchestrator.start();
    bot.strategy.next = 'buy';
    await bot.step('eval');
    await bot.setPrice('51000');
    await bot.vs.advance(120_000);
    bot.strategy.next = 'sell';
    await bot.step('eval');
    bot.strategy.next = 'buy';
    await bot.vs.advance(120_000);
    await bot.step('eval'); // open again: a position for /status
    await app.bus.drain();
    // The alerts, through the same Bot API and chat.
    expect(api.sent(CHAT).map((m) => /^\[paper BTC\/USDT\] ✅ (BUY|SELL) BTC\/USDT filled/.exec(m.text)?.[1])).toEqual(['BUY', 'SELL', 'BUY']);
    const orders = await app.storage.orders.find({ limit: 10 });
    expect(orders.map((o) => [o.side, o.status])).toEqual([
      ['buy', 'filled'],
      ['sell', 'filled'],
      ['buy', 'filled'],
    ]);

    // The status follows the real orchestrator; the controls are recorded (the TradingControl implementation is not this spec's).
    const control = new RecordingControl(['BTC/USDT'], () => app.orchestrator.status());
    commands = telegramCommandsForApp(app, control, { pollTimeoutSec: 5 });
    expect(commands).not.toBeNull();
    commands?.start();

    const position = (await app.storage.positions.get('BTC/USDT'))!;
    const status = await ask('/status');
    expect(status.split('\n').slice(0, 3)).toEqual(['📊 paper · running · trading active', 'Halts: none', 'Symbols: BTC/USDT']);
    expect(status).toContain(`• BTC/USDT: ${position.baseQty.toFixed()} BTC @ ${quoteText(position.avgEntry.toFixed())}, mark 51,000.00`);

    const day = await performanceReport({ fills: app.storage.fills, symbols: ['BTC/USDT'], day: app.clock.now() });
    expect(day.totals.closedTrades).toBe(1);
    const figures = `net ${signedQuoteText(day.totals.netQuote)} USDT (realised ${signedQuoteText(day.totals.realizedQuote)}, fees ${quoteText(day.totals.feesQuote)}) · 1 round trip, 1 won / 0 lost, win rate 100.0%`;
    const profit = await ask('/profit');
    expect(profit).toContain(`All time: ${figures}`);
    expect(profit).toContain(`Today ${day.date} UTC: ${figures}`);

    const trades = (await ask('/trades')).split('\n');
    expect(trades.slice(1).map((l) => l.split(' ')[2])).toEqual(['BUY', 'SELL', 'BUY']);
    expect(await ask('/balance')).toMatch(/^🏦 Balances\n• USDT: [\d,]+\.\d\d free, 0\.00 in orders\n• BTC: /);

    expect(await ask('/stopentries')).toMatch(/^✅ Entries stopped/);
    expect(control.calls).toEqual([{ action: 'stopEntries', actor: { via: 'telegram', who: String(CHAT) }, arg: 'telegram /stopentries' }]);
  });
});

describe('startBot with TELEGRAM_COMMANDS=true', () => {
  const settings = (): ReturnType<typeof parseSettings> =>
    parseSettings(
      { ...telegramEnv(), DB_PATH: join(dir, 'bot.db'), WORKER_PORT: '0', AUTOSTART: 'false', MARKET_DATA: 'synthetic' },
      { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') },
    );

  it("acts through the composed bot's own TradingControl (the dashboard's) when given none: /stopentries halts entries", async () => {
    const running = await startRunningBot(settings(), { role: 'worker', overrides: { logger: new RecordingLogger() } });
    try {
      expect(await ask('/stopentries')).toMatch(/^✅ Entries stopped/);
      expect(running.app.trading.state()).toBe('reducing');
      expect(running.app.trading.list().map((h) => h.code)).toContain('OPERATOR.ENTRIES');
    } finally {
      await running.stop();
    }
  });

  it('polls with the control it is given, reports on /health, and stops polling with the bot', async () => {
    const logger = new RecordingLogger();
    const running = await startRunningBot(settings(), {
      role: 'worker',
      overrides: { logger },
      control: (app) => new RecordingControl(['BTC/USDT'], () => app.orchestrator.status()),
    });
    try {
      expect(await ask('/status')).toMatch(/^📊 paper · stopped · trading active/);
      const health = (await (await fetch(`${running.http.url}/health`)).json()) as { components: { name: string; status: string }[] };
      expect(health.components.find((c) => c.name === 'telegram_commands')).toMatchObject({ status: 'ok' });
    } finally {
      await running.stop();
    }
    const polls = api.of('getUpdates').length;
    api.sendText(CHAT, CHAT, '/help');
    // Stopped: the last getUpdates confirmed the handled updates, and nothing polls for the new one.
    // (A check of absence needs some time to pass; a slow machine can only make it pass, never fail.)
    await new Promise((r) => setTimeout(r, 200));
    expect(api.of('getUpdates')).toHaveLength(polls);
    expect(answers()).toHaveLength(1);
    expect(logger.text()).not.toContain(TOKEN);
  });
});
