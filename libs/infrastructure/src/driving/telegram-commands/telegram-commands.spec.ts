import { RecordingLogger } from '@cab/application/testing';
import { dec, MS } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { openTempStorage, SEED_DAY, seedTrades } from '../../testing';
import { performanceReport } from '../reports/performance-report';
import { signedQuoteText, quoteText } from './money-text';
import { storeReadSide } from './read-side';
import { TelegramCommands, type TelegramCommandsOptions } from './telegram-commands';
import { eventually, FakeBotApi } from './testing/fake-bot-api';
import { RecordingControl } from './testing/recording-control';

const TOKEN = '7000001:AAH-commands-secret-token-value';
const CHAT = -100500;
const USER = 4242;
const STRANGER_CHAT = 999;
const NOW = SEED_DAY + 6 * MS.hour;

describe('TelegramCommands against a loopback Bot API (grammY, real HTTP, real SQLite)', () => {
  let api: FakeBotApi;
  let apiRoot: string;
  let storage: Awaited<ReturnType<typeof openTempStorage>>;
  let clock: FakeClock;
  let logger: RecordingLogger;
  let control: RecordingControl;
  const running: TelegramCommands[] = [];

  beforeEach(async () => {
    api = new FakeBotApi();
    apiRoot = await api.start();
    clock = new FakeClock(NOW);
    storage = openTempStorage(clock);
    await seedTrades(storage);
    logger = new RecordingLogger();
    control = new RecordingControl();
  });
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
    await api.close();
    await storage.dispose();
  });

  function start(over: Partial<TelegramCommandsOptions> = {}): TelegramCommands {
    const read = storeReadSide({
      ...storage,
      broker: {
        fetchBalance: async (symbol) => ({
          ok: true,
          value: { symbol, base: 'BTC', quote: 'USDT', freeBase: dec('0.000999'), usedBase: dec('0'), freeQuote: dec('9899.456'), usedQuote: dec('0.5') },
        }),
      },
      symbols: ['BTC/USDT'],
      clock,
    });
    const commands = new TelegramCommands({
      token: TOKEN,
      chatId: String(CHAT),
      apiRoot,
      control,
      read,
      clock,
      logger,
      polling: { pollTimeoutSec: 5, retryBaseMs: 10, retryMaxMs: 50 },
      ...over,
    });
    running.push(commands);
    commands.start();
    return commands;
  }

  /** Sends `text` in the configured chat and waits for the bot's next answer there. */
  async function ask(text: string, chat = CHAT): Promise<string> {
    const before = api.sent(chat).length;
    api.sendText(chat, USER, text);
    const reply = await eventually(() => api.sent(chat)[before], `an answer to ${text}`);
    return reply.text;
  }

  it('answers /status and /help in the configured chat; every call carries the token in its path only', async () => {
    start();
    control.current = { ...control.current, trading: 'reducing', haltReasons: ['OPERATOR.STOP_ENTRIES: telegram /stopentries'] };
    const status = await ask('/status');
    expect(status).toBe(
      [
        '📊 paper · running · trading reducing',
        'Halts:\n• OPERATOR.STOP_ENTRIES: telegram /stopentries',
        'Symbols: BTC/USDT',
        'Positions:\n• BTC/USDT: 0.000999 BTC @ 50,000.00, stop 49,000.00',
      ].join('\n'),
    );
    expect(await ask('/help')).toContain('/forceexit SYMBOL');
    expect(new Set(api.calls.map((c) => c.token))).toEqual(new Set([TOKEN]));
    expect(api.sent().every((m) => m.chatId === CHAT)).toBe(true);
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('ignores every other chat: no answer, no control, logged with the chat id but without the text or the token', async () => {
    start();
    api.sendText(STRANGER_CHAT, 666, '/stop my-private-words');
    api.press(STRANGER_CHAT, 666, 'fx:BTC/USDT');
    await ask('/help'); // updates are handled in order: the stranger's two are done
    expect(api.sent(STRANGER_CHAT)).toEqual([]);
    expect(api.of('answerCallbackQuery')).toEqual([]);
    expect(control.calls).toEqual([]);
    const ignored = logger.at('warn').filter((e) => e.msg === 'telegram update from another chat ignored');
    expect(ignored.map((e) => [e.fields['chatId'], e.fields['userId'], e.fields['kind']])).toEqual([
      [STRANGER_CHAT, 666, 'message'],
      [STRANGER_CHAT, 666, 'callback_query'],
    ]);
    expect(logger.text()).not.toContain('my-private-words');
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('sends /stopentries, /resume, /start (once confirmed) and /stop through TradingControl with the Telegram user as actor', async () => {
    start();
    expect(await ask('/stopentries volatile market')).toBe('✅ Entries stopped; exits keep working. Now: running · trading active');
    expect(await ask('/resume')).toMatch(/^✅ Resumed\./);
    expect(await ask('/start confirm')).toBe('Nothing to confirm: send /start first.');
    expect(await ask('/start')).toBe('▶️ Start trading (paper, BTC/USDT; now running)? Confirm within 60 s: the button, or /start confirm.');
    expect(await ask('/start confirm')).toMatch(/^✅ Started\./);
    expect(await ask('/stop')).toMatch(/^✅ Stopped\./);
    const actor = { via: 'telegram', who: String(USER) };
    expect(control.calls).toEqual([
      { action: 'stopEntries', actor, arg: 'volatile market' },
      { action: 'resume', actor },
      { action: 'start', actor },
      { action: 'stop', actor },
    ]);
  });

  it('/start alone, as Telegram sends it when the chat is first opened (or with a deep-link payload), starts nothing', async () => {
    start();
    await ask('/start');
    await ask('/start from-a-link');
    expect(api.sent(CHAT).at(-1)?.replyMarkup).toEqual({
      inline_keyboard: [
        [
          { text: 'Start trading', callback_data: 'start' },
          { text: 'Cancel', callback_data: 'cancel' },
        ],
      ],
    });
    expect(control.calls).toEqual([]);
    api.press(CHAT, USER, 'start');
    await eventually(() => api.sent(CHAT).find((m) => m.text.startsWith('✅ Started')), 'the start');
    expect(control.calls).toEqual([{ action: 'start', actor: { via: 'telegram', who: String(USER) } }]);
  });

  it('answers a control failure with its message and code', async () => {
    start();
    control.answers.stop = { ok: false, error: { code: 'CONTROL.FAILED', message: 'the orchestrator did not stop: loop eval hung' } };
    expect(await ask('/stop')).toBe('❌ the orchestrator did not stop: loop eval hung (CONTROL.FAILED)');
    control.answers.forceExit = { ok: false, error: { code: 'CONTROL.NO_POSITION', message: 'no BTC/USDT position to sell' } };
    await ask('/forceexit BTC/USDT');
    expect(await ask('/forceexit BTC/USDT confirm')).toBe('❌ Force exit BTC/USDT: no BTC/USDT position to sell (CONTROL.NO_POSITION)');
  });

  it('/forceexit sells only after a confirmation in the same chat within the window', async () => {
    start({ confirmWindowMs: 60_000 });
    const asked = await ask('/forceexit btc_usdt');
    expect(asked).toBe('⚠️ Sell the whole BTC/USDT position at market now? Confirm within 60 s: the button, or /forceexit BTC/USDT confirm.');
    const last = api.sent(CHAT).at(-1);
    expect(last?.replyMarkup).toEqual({
      inline_keyboard: [
        [
          { text: 'Sell all BTC/USDT', callback_data: 'fx:BTC/USDT' },
          { text: 'Cancel', callback_data: 'cancel' },
        ],
      ],
    });
    expect(control.calls).toEqual([]);

    // A confirmation from another chat neither sells nor uses up this chat's request.
    api.sendText(STRANGER_CHAT, 666, '/forceexit BTC/USDT confirm');
    expect(await ask('/forceexit BTC/USDT confirm')).toBe('✅ Force exit BTC/USDT: sell of 0.000999 (t-fx-1) is filled.');
    expect(control.calls).toEqual([{ action: 'forceExit', actor: { via: 'telegram', who: String(USER) }, arg: 'BTC/USDT' }]);
    // Used once.
    expect(await ask('/forceexit BTC/USDT confirm')).toBe('Nothing to confirm: send /forceexit BTC/USDT first.');

    // Past the window: refused, nothing sold.
    await ask('/forceexit BTC/USDT');
    clock.advance(60_001);
    expect(await ask('/forceexit BTC/USDT confirm')).toBe('The 60 s to confirm have passed: send /forceexit BTC/USDT again.');
    expect(control.calls).toHaveLength(1);

    // A confirmation names what it confirms: a waiting /start is not a force exit.
    await ask('/start');
    expect(await ask('/forceexit BTC/USDT confirm')).toBe('What is waiting for a confirmation is not that: send /forceexit BTC/USDT again.');
    expect(await ask('/forceexit DOGE/USDT')).toBe('DOGE/USDT is not traded by this bot (BTC/USDT).');
    expect(await ask('/forceexit')).toMatch(/^Usage: \/forceexit SYMBOL/);
    expect(await ask('/forceexit BTC/USDT now')).toMatch(/^Usage: \/forceexit SYMBOL/);
    expect(control.calls).toHaveLength(1);
  });

  it('/forceexit confirmed with the inline button (the query answered), or cancelled with the other one', async () => {
    start();
    await ask('/forceexit BTC/USDT');
    api.press(CHAT, USER, 'cancel');
    await eventually(() => api.sent(CHAT).find((m) => m.text === 'Cancelled.'), 'the cancel');
    api.press(CHAT, USER, 'fx:BTC/USDT');
    await eventually(() => api.sent(CHAT).find((m) => m.text === 'Nothing to confirm: send /forceexit BTC/USDT first.'), 'the refusal');
    expect(control.calls).toEqual([]);

    await ask('/forceexit BTC/USDT');
    api.press(CHAT, USER + 1, 'fx:BTC/USDT');
    await eventually(() => api.sent(CHAT).find((m) => m.text.startsWith('✅ Force exit BTC/USDT')), 'the sale');
    expect(control.calls).toEqual([{ action: 'forceExit', actor: { via: 'telegram', who: String(USER + 1) }, arg: 'BTC/USDT' }]);
    expect(api.of('answerCallbackQuery').map((c) => c.body['callback_query_id'])).toHaveLength(3);
  });

  it('/profit, /daily, /trades and /balance read the stores; amounts rounded to cents from decimal strings', async () => {
    start();
    // The seeded day (reports/testing/seed-trades.ts): realised 0.999, fees 0.35285, net 0.64615; a win and a loss.
    const profit = await ask('/profit');
    expect(profit).toBe(
      [
        '💰 Profit (BTC/USDT)',
        'All time: net +0.65 USDT (realised +1.00, fees 0.35) · 2 round trips, 1 won / 1 lost, win rate 50.0%',
        'Today 2026-11-23 UTC: net +0.65 USDT (realised +1.00, fees 0.35) · 2 round trips, 1 won / 1 lost, win rate 50.0%',
      ].join('\n'),
    );
    // The same figures /api/pnl and `cab performance` give for that day.
    const report = await performanceReport({ fills: storage.fills, symbols: ['BTC/USDT'], day: NOW });
    expect(profit).toContain(
      `net ${signedQuoteText(report.totals.netQuote)} USDT (realised ${signedQuoteText(report.totals.realizedQuote)}, fees ${quoteText(report.totals.feesQuote)})`,
    );

    clock.advance(MS.day); // the next day: nothing today, all time unchanged
    expect(await ask('/profit')).toMatch(/\nToday 2026-11-24 UTC: net 0\.00 USDT \(realised 0\.00, fees 0\.00\) · 0 round trips$/);

    expect(await ask('/daily 3')).toBe(
      [
        '📅 PnL per UTC day, last 3 (USDT, net = realised − fees)',
        '2026-11-24: net 0.00 (realised 0.00, fees 0.00), 0 trips',
        '2026-11-23: net +0.65 (realised +1.00, fees 0.35), 2 trips',
        '2026-11-22: net 0.00 (realised 0.00, fees 0.00), 0 trips',
      ].join('\n'),
    );
    expect((await ask('/daily')).split('\n')).toHaveLength(1 + 7);
    expect(await ask('/trades 2')).toBe(
      [
        '🧾 Last 2 trades (UTC, newest first)',
        '2026-11-23 05:00 BUY 0.001 BTC @ 50,000.00 = 50.00 USDT, fee 0.000001 BTC (seed)',
        '2026-11-23 04:00 SELL 0.000999 BTC @ 50,000.00 = 49.95 USDT, fee 0.05 USDT (seed)',
      ].join('\n'),
    );
    expect(await ask('/balance')).toBe(['🏦 Balances', '• USDT: 9,899.46 free, 0.50 in orders', '• BTC: 0.000999 free, 0 in orders'].join('\n'));
    expect(await ask('/daily 0')).toBe('Usage: /daily [days], days from 1 to 90 (default 7).');
    expect(await ask('/daily seven')).toMatch(/^Usage: \/daily/);
    expect(await ask('/trades 51')).toBe('Usage: /trades [n], n from 1 to 50 (default 10).');
  });

  it('answers an unknown command, but not a command addressed to another bot', async () => {
    start();
    api.sendText(CHAT, USER, '/status@someone_else_bot');
    expect(await ask('/frobnicate')).toBe('Unknown command. /help lists the commands.');
    expect(api.sent(CHAT)).toHaveLength(1);
    expect(await ask(`/help@${api.username}`)).toContain('Commands');
  });

  it('survives 429 (waits retry_after), 5xx and a dropped connection on getUpdates; the token never reaches the logs', async () => {
    api.fail('getUpdates', FakeBotApi.tooManyRequests(1), FakeBotApi.error(502, 'Bad Gateway'), { kind: 'drop' });
    const commands = start();
    expect(await ask('/help')).toContain('Commands');
    const warned = logger.at('warn').filter((e) => e.msg === 'telegram poll failed; retrying');
    expect(warned.map((e) => [e.fields['reason'], e.fields['retryInMs']])).toEqual([
      ['rate_limited', 1000],
      ['http', 20], // doubling from 10 ms per failure in a row, the 429 included
      ['network', 40],
    ]);
    expect(String(warned[2]?.fields['detail'])).toMatch(/getUpdates/); // the cause is kept, the URL's token is not
    expect(logger.at('info').some((e) => e.msg === 'telegram polling recovered')).toBe(true);
    expect(await commands.check()).toEqual({ status: 'ok', detail: 'polling' });
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('a reply Telegram refuses (429 on sendMessage) is logged, and the next command is answered', async () => {
    start();
    api.fail('sendMessage', FakeBotApi.tooManyRequests(3), FakeBotApi.tooManyRequests(3));
    api.sendText(CHAT, USER, '/status');
    expect(await ask('/help')).toContain('Commands');
    expect(api.of('sendMessage').filter((c) => c.faulted)).toHaveLength(2); // the status, then its failure notice
    expect(logger.at('error').map((e) => e.msg)).toEqual(['telegram command failed']);
    expect(String(logger.at('error')[0]?.fields['detail'])).toMatch(/429/);
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('a Bot API that is unreachable degrades the health check, with the token redacted from the URL in the error', async () => {
    await api.close(); // connection refused from now on
    const commands = start();
    await eventually(() => (logger.at('warn').length >= 2 ? true : undefined), 'two failed polls');
    const check = await commands.check();
    expect(check.status).toBe('degraded');
    expect(check.detail).toMatch(/network/);
    expect(JSON.stringify(check)).not.toContain(TOKEN);
    expect(logger.text()).toMatch(/ECONNREFUSED/);
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('a refused token (401) stops polling for good, and the bot goes on', async () => {
    api.fail('getMe', FakeBotApi.error(401, 'Unauthorized'));
    const commands = start();
    await eventually(() => logger.at('error').find((e) => e.msg.startsWith('telegram refused the bot token')), 'the 401');
    expect(await commands.check()).toEqual({ status: 'degraded', detail: 'stopped: getMe: 401 Unauthorized' });
    expect(api.of('getUpdates')).toEqual([]);
  });

  it('stop() ends a hanging long poll and a long retry_after wait, and confirms the handled updates', async () => {
    const slow = start({ polling: { pollTimeoutSec: 600, retryBaseMs: 10, retryMaxMs: 50 } });
    const id = api.sendText(CHAT, USER, '/help');
    await eventually(() => api.sent(CHAT)[0], 'the answer');
    await eventually(() => (api.of('getUpdates').length >= 2 ? true : undefined), 'the next long poll');
    expect(await ceiling(slow.stop())).toBe('stopped');
    expect(api.acknowledged).toBe(id + 1); // a restart does not see /help again

    api.fail('getUpdates', FakeBotApi.tooManyRequests(600));
    const waiting = start();
    await eventually(() => logger.at('warn').find((e) => e.fields['reason'] === 'rate_limited'), 'the 429');
    expect(await ceiling(waiting.stop())).toBe('stopped');
  });
});

/** A generous ceiling against a hang, not a measure of speed: stop() must return at all. */
async function ceiling(p: Promise<void>): Promise<'stopped' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 60_000)));
  try {
    return await Promise.race([p.then(() => 'stopped' as const), hung]);
  } finally {
    clearTimeout(timer);
  }
}
