import { errorText, type CheckResult, type ControlActor, type ControlError, type Logger, type TradingControl } from '@cab/application';
import { MS, utcDayStart, type Clock, type Result } from '@cab/domain';
import { Bot, InlineKeyboard, type Context } from 'grammy';
import { isoDay } from '../reports/performance-report';
import { onlyChat } from './chat-guard';
import { Confirmations } from './confirmations';
import { LongPolling, type LongPollingOptions } from './long-polling';
import { lastDays, summarize } from '../reports/pnl-history';
import type { TelegramReadSide } from './read-side';
import { balanceText, dailyText, HELP_TEXT, profitText, statusText, tradesText } from './replies';
import { redactToken } from './telegram-errors';

export interface TelegramCommandsOptions {
  token: string;
  /** The one chat answered (TELEGRAM_CHAT_ID): a numeric id, as Telegram sends it. */
  chatId: string;
  /** Bot API root without a trailing slash (TELEGRAM_API_URL); default https://api.telegram.org. */
  apiRoot?: string;
  control: TradingControl;
  read: TelegramReadSide;
  /** The wall clock: the confirmation window is a person's time, not a replay's. */
  clock: Clock;
  logger: Logger;
  /** How long a /forceexit waits for its confirmation (default 60 s). */
  confirmWindowMs?: number;
  polling?: Omit<LongPollingOptions, 'bot' | 'token' | 'logger'>;
}

/** Callback data of the confirm buttons (at most 64 bytes): "fx:<symbol>", "start", "cancel". */
const FORCE_EXIT_DATA = /^fx:(.+)$/;
const DAILY = { def: 7, max: 90 };
const TRADES = { def: 10, max: 50 };

/** "btc_usdt" → "BTC/USDT": how people type a pair. */
const normalizeSymbol = (s: string): string => s.trim().toUpperCase().replace('_', '/');

/** "", "30" → a count in [1, max]; anything else null. */
function count(arg: string, def: number, max: number): number | null {
  const t = arg.trim();
  if (t === '') return def;
  if (!/^\d{1,4}$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= max ? n : null;
}

/**
 * Telegram commands over the one control API (TradingControl) and the bot's read side, with
 * grammY (pinned 1.46.0; libs/infrastructure/README.md, "Telegram commands"). Answers only in
 * `chatId`; every control names its actor `{ via: 'telegram', who: <Telegram user id> }`.
 */
export class TelegramCommands {
  readonly bot: Bot;
  private readonly polling: LongPolling;
  private readonly confirmations: Confirmations;
  private readonly logger: Logger;

  constructor(private readonly opts: TelegramCommandsOptions) {
    this.logger = opts.logger.child({ component: 'telegram-commands' });
    this.confirmations = new Confirmations(opts.clock, opts.confirmWindowMs ?? 60_000);
    const pollSec = opts.polling?.pollTimeoutSec ?? 30;
    // A request may take the long poll's whole timeout; past that plus a margin it is dead.
    this.bot = new Bot(opts.token, { client: { ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}), timeoutSeconds: pollSec + 15 } });
    this.bot.use(onlyChat(opts.chatId, this.logger));
    this.register();
    this.polling = new LongPolling({ ...opts.polling, bot: this.bot, token: opts.token, logger: this.logger });
  }

  start(): void {
    this.polling.start();
  }

  /** Stops polling: no new command is taken; the one being handled finishes first. Never throws. */
  stop(): Promise<void> {
    return this.polling.stop();
  }

  /** For the HealthChecker (non-critical): degraded while polls fail or after the token was refused. */
  async check(): Promise<CheckResult> {
    const s = this.polling.status();
    if (s.status === 'failing') return { status: 'degraded', detail: `polls failing (${s.failure.reason}, ${s.failures} in a row): ${s.failure.detail}` };
    if (s.status === 'gave_up') return { status: 'degraded', detail: `stopped: ${s.failure.detail}` };
    return { status: 'ok', detail: s.status };
  }

  private register(): void {
    const { bot } = this;
    bot.command('help', (ctx) => this.run(ctx, 'help', () => ctx.reply(HELP_TEXT)));
    bot.command('status', (ctx) => this.run(ctx, 'status', async () => ctx.reply(statusText(this.opts.control.status(), await this.opts.read.positions()))));
    bot.command('profit', (ctx) => this.run(ctx, 'profit', () => this.profit(ctx)));
    bot.command('balance', (ctx) => this.run(ctx, 'balance', async () => ctx.reply(balanceText(await this.opts.read.balances()))));
    bot.command('daily', (ctx) => this.run(ctx, 'daily', () => this.daily(ctx, ctx.match)));
    bot.command('trades', (ctx) => this.run(ctx, 'trades', () => this.trades(ctx, ctx.match)));
    bot.command('stopentries', (ctx) =>
      this.run(ctx, 'stopentries', () =>
        this.control(ctx, this.opts.control.stopEntries(actor(ctx), ctx.match.trim() || 'telegram /stopentries'), 'Entries stopped; exits keep working'),
      ),
    );
    bot.command('resume', (ctx) => this.run(ctx, 'resume', () => this.control(ctx, this.opts.control.resume(actor(ctx)), 'Resumed')));
    bot.command('start', (ctx) => this.run(ctx, 'start', () => this.startCommand(ctx, ctx.match)));
    bot.command('stop', (ctx) => this.run(ctx, 'stop', () => this.control(ctx, this.opts.control.stop(actor(ctx)), 'Stopped')));
    bot.command('forceexit', (ctx) => this.run(ctx, 'forceexit', () => this.forceExitCommand(ctx, ctx.match)));
    bot.callbackQuery(FORCE_EXIT_DATA, (ctx) => this.run(ctx, 'forceexit', () => this.button(ctx, () => this.confirmedForceExit(ctx, ctx.match[1] ?? ''))));
    bot.callbackQuery('start', (ctx) => this.run(ctx, 'start', () => this.button(ctx, () => this.confirmedStart(ctx))));
    bot.callbackQuery('cancel', (ctx) => this.run(ctx, 'cancel', () => this.cancelButton(ctx)));
    bot.on('message:entities:bot_command', (ctx) => this.run(ctx, 'unknown', () => this.unknown(ctx)));
  }

  /** Runs a command; a failure is answered in the chat and logged, never thrown into the poll loop. */
  private async run(ctx: Context, name: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      const detail = redactToken(errorText(e), this.opts.token);
      this.logger.error('telegram command failed', { command: name, userId: ctx.from?.id ?? null, detail });
      await ctx.reply(`❌ /${name} failed: ${detail}`).catch(() => undefined);
    }
  }

  private async control(ctx: Context, pending: Promise<Result<unknown, ControlError>>, done: string): Promise<void> {
    const r = await pending;
    if (!r.ok) {
      await ctx.reply(`❌ ${r.error.message} (${r.error.code})`);
      return;
    }
    const s = this.opts.control.status();
    await ctx.reply(`✅ ${done}. Now: ${s.state} · trading ${s.trading}${s.haltReasons.length ? ` · halts: ${s.haltReasons.join('; ')}` : ''}`);
  }

  private async profit(ctx: Context): Promise<void> {
    const h = await this.opts.read.history();
    const today = utcDayStart(this.opts.read.now());
    const symbols = this.opts.control.status().symbols;
    await ctx.reply(profitText(summarize(h), summarize(h, today, today + MS.day), isoDay(today), symbols, h.warnings));
  }

  private async daily(ctx: Context, arg: string): Promise<void> {
    const days = count(arg, DAILY.def, DAILY.max);
    if (days === null) return void (await ctx.reply(`Usage: /daily [days], days from 1 to ${DAILY.max} (default ${DAILY.def}).`));
    const h = await this.opts.read.history();
    await ctx.reply(dailyText(lastDays(h, this.opts.read.now(), days), this.opts.control.status().symbols));
  }

  private async trades(ctx: Context, arg: string): Promise<void> {
    const n = count(arg, TRADES.def, TRADES.max);
    if (n === null) return void (await ctx.reply(`Usage: /trades [n], n from 1 to ${TRADES.max} (default ${TRADES.def}).`));
    await ctx.reply(tradesText(await this.opts.read.trades(n), n));
  }

  private async forceExitCommand(ctx: Context, arg: string): Promise<void> {
    const words = arg.trim().split(/\s+/).filter(Boolean);
    const [raw, confirm] = words;
    if (raw === undefined || words.length > 2 || (confirm !== undefined && confirm.toLowerCase() !== 'confirm'))
      return void (await ctx.reply('Usage: /forceexit SYMBOL (e.g. /forceexit BTC/USDT), then confirm with the button or /forceexit SYMBOL confirm.'));
    const symbol = normalizeSymbol(raw);
    const traded = this.opts.control.status().symbols;
    if (!traded.includes(symbol)) return void (await ctx.reply(`${symbol} is not traded by this bot (${traded.join(', ')}).`));
    if (confirm !== undefined) return this.confirmedForceExit(ctx, symbol);
    this.confirmations.ask(chatOf(ctx), `forceexit ${symbol}`);
    await ctx.reply(`⚠️ Sell the whole ${symbol} position at market now? Confirm within ${this.windowSec()} s: the button, or /forceexit ${symbol} confirm.`, {
      reply_markup: new InlineKeyboard().text(`Sell all ${symbol}`, `fx:${symbol}`).text('Cancel', 'cancel'),
    });
  }

  /** "/start" alone (what Telegram sends when a chat with the bot is first opened) or with a deep-link payload only asks. */
  private async startCommand(ctx: Context, arg: string): Promise<void> {
    if (arg.trim().toLowerCase() === 'confirm') return this.confirmedStart(ctx);
    this.confirmations.ask(chatOf(ctx), 'start');
    const s = this.opts.control.status();
    await ctx.reply(
      `▶️ Start trading (${s.mode}, ${s.symbols.join(', ')}; now ${s.state})? Confirm within ${this.windowSec()} s: the button, or /start confirm.`,
      {
        reply_markup: new InlineKeyboard().text('Start trading', 'start').text('Cancel', 'cancel'),
      },
    );
  }

  /** A confirm button: the query is answered first (Telegram shows a spinner until it is). */
  private async button(ctx: Context, then: () => Promise<void>): Promise<void> {
    await ctx.answerCallbackQuery();
    await then();
  }

  private async cancelButton(ctx: Context): Promise<void> {
    const had = this.confirmations.cancel(chatOf(ctx));
    await ctx.answerCallbackQuery({ text: had ? 'Cancelled' : 'Nothing to cancel' });
    if (had) await ctx.reply('Cancelled.');
  }

  /** Whether the chat confirmed `subject` in time; otherwise says why, and the caller does nothing. */
  private async confirmed(ctx: Context, subject: string, again: string): Promise<boolean> {
    const outcome = this.confirmations.confirm(chatOf(ctx), subject);
    if (outcome === 'confirmed') return true;
    const why =
      outcome === 'nothing_pending'
        ? `Nothing to confirm: send ${again} first.`
        : outcome === 'other_subject'
          ? `What is waiting for a confirmation is not that: send ${again} again.`
          : `The ${this.windowSec()} s to confirm have passed: send ${again} again.`;
    await ctx.reply(why);
    return false;
  }

  private async confirmedForceExit(ctx: Context, symbol: string): Promise<void> {
    if (!(await this.confirmed(ctx, `forceexit ${symbol}`, `/forceexit ${symbol}`))) return;
    const r = await this.opts.control.forceExit(actor(ctx), symbol);
    if (!r.ok) return void (await ctx.reply(`❌ Force exit ${symbol}: ${r.error.message} (${r.error.code})`));
    const o = r.value;
    await ctx.reply(`✅ Force exit ${o.symbol}: sell of ${o.qty} (${o.clientOrderId}) is ${o.status}.`);
  }

  private async confirmedStart(ctx: Context): Promise<void> {
    if (!(await this.confirmed(ctx, 'start', '/start'))) return;
    await this.control(ctx, this.opts.control.start(actor(ctx)), 'Started');
  }

  private windowSec(): number {
    return Math.round(this.confirmations.windowMs / 1000);
  }

  private async unknown(ctx: Context): Promise<void> {
    const entity = ctx.message?.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
    const command = entity ? (ctx.message?.text ?? '').slice(0, entity.length) : '';
    const target = command.split('@')[1];
    // In a group, "/status@other_bot" is for another bot: not ours to answer.
    if (target !== undefined && target.toLowerCase() !== this.bot.botInfo.username.toLowerCase()) return;
    await ctx.reply('Unknown command. /help lists the commands.');
  }
}

const chatOf = (ctx: Context): string => String(ctx.chat?.id);

function actor(ctx: Context): ControlActor {
  return { via: 'telegram', who: String(ctx.from?.id ?? 'unknown') };
}
