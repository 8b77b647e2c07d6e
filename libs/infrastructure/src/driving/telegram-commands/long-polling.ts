import type { Logger } from '@cab/application';
import { BotError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { telegramFailure, type TelegramFailure } from './telegram-errors';

export interface LongPollingOptions {
  bot: Bot;
  /** Only to redact it from what is logged. */
  token: string;
  logger: Logger;
  /** getUpdates' long-poll timeout (default 30 s, Telegram's usual). */
  pollTimeoutSec?: number;
  /** First wait after a failed poll, doubled per failure in a row up to `retryMaxMs` (defaults 1 s, 60 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long stop() gives the last getUpdates that confirms the handled updates (default 3 s). */
  confirmTimeoutMs?: number;
}

/** grammY's Node build types its signals with the abort-controller shim; Node's own AbortSignal is what it gets at run time. */
type GrammySignal = Parameters<Bot['api']['getMe']>[0];
const forGrammy = (s: AbortSignal): GrammySignal => s as unknown as GrammySignal;

export type PollingState =
  | { status: 'stopped' | 'polling' }
  | { status: 'failing'; failure: TelegramFailure; failures: number }
  /** Telegram refused the token (401): polling stopped for good; alerts may still go out on another path. */
  | { status: 'gave_up'; failure: TelegramFailure };

/**
 * Long polling over grammY's Api, each update handed to `bot.handleUpdate` (grammY's own
 * middleware, commands and callback routing). This replaces `bot.start()` for one reason: its
 * retry sleep after a failed poll (3 s, or a 429's whole retry_after) and its getMe retries cannot be
 * aborted, so a SIGTERM during them kept the process alive that long; here every wait ends on stop().
 *
 * - Updates are acknowledged before they are handled (the offset moves first): a command that
 *   crashed the handler is not replayed, and a control is never done twice.
 * - 429: waits Telegram's retry_after; 5xx, network, timeouts, 409: backoff doubling from
 *   retryBaseMs to retryMaxMs; 401: logs and gives up (the token is wrong; nothing else is affected).
 * - Nothing thrown escapes: the bot keeps trading whatever Telegram does. The token is redacted from
 *   every logged text (grammY's network errors quote the URL /bot<token>/getUpdates).
 */
export class LongPolling {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private offset = 0;
  /** The offset Telegram last saw: updates below it are acknowledged. */
  private acknowledged = 0;
  private failures = 0;
  private state: PollingState = { status: 'stopped' };
  private readonly pollTimeoutSec: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(private readonly opts: LongPollingOptions) {
    this.pollTimeoutSec = opts.pollTimeoutSec ?? 30;
    this.retryBaseMs = opts.retryBaseMs ?? 1_000;
    this.retryMaxMs = opts.retryMaxMs ?? 60_000;
  }

  status(): PollingState {
    return this.state;
  }

  /** Starts polling in the background; resolves at once. A second call does nothing. */
  start(): void {
    if (this.loop || this.abort.signal.aborted) return;
    this.state = { status: 'polling' };
    this.loop = this.run();
  }

  /** Ends the poll in flight and every wait, lets the update being handled finish, then confirms the handled updates. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.state = this.state.status === 'gave_up' ? this.state : { status: 'stopped' };
    if (this.offset > this.acknowledged) {
      // Without this, the last batch comes again on the next start (Telegram keeps an update until an offset passes it).
      await this.opts.bot.api
        .getUpdates({ offset: this.offset, limit: 1, timeout: 0 }, forGrammy(AbortSignal.timeout(this.opts.confirmTimeoutMs ?? 3_000)))
        .then(() => (this.acknowledged = this.offset))
        .catch((e: unknown) => this.opts.logger.warn('telegram: could not confirm the last updates', { detail: telegramFailure(e, this.opts.token).detail }));
    }
  }

  private async run(): Promise<void> {
    const { bot } = this.opts;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let updates: Update[];
      try {
        if (!bot.isInited()) {
          bot.botInfo = await bot.api.getMe(forGrammy(signal));
          // A webhook set on this token makes getUpdates answer 409: long polling needs it gone.
          await bot.api.deleteWebhook({}, forGrammy(signal));
          this.opts.logger.info('telegram commands polling', { bot: bot.botInfo.username });
        }
        updates = await bot.api.getUpdates(
          { offset: this.offset, timeout: this.pollTimeoutSec, allowed_updates: ['message', 'callback_query'] },
          forGrammy(signal),
        );
        this.acknowledged = this.offset;
      } catch (e) {
        if (signal.aborted) break;
        const wait = this.failed(telegramFailure(e, this.opts.token));
        if (wait === null) break;
        await sleep(wait, signal);
        continue;
      }
      if (this.failures > 0) this.opts.logger.info('telegram polling recovered', { after: this.failures });
      this.failures = 0;
      this.state = { status: 'polling' };
      for (const update of updates) {
        this.offset = Math.max(this.offset, update.update_id + 1);
        await this.handle(update);
      }
    }
  }

  /** Logs a failed poll and says how long to wait before the next (null: give up). */
  private failed(failure: TelegramFailure): number | null {
    this.failures += 1;
    if (failure.reason === 'unauthorized') {
      this.state = { status: 'gave_up', failure };
      this.opts.logger.error('telegram refused the bot token: commands are off until it is fixed and the bot restarted', { detail: failure.detail });
      return null;
    }
    this.state = { status: 'failing', failure, failures: this.failures };
    const wait = failure.reason === 'rate_limited' ? failure.retryAfterMs : Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(this.failures - 1, 20));
    this.opts.logger.warn('telegram poll failed; retrying', { reason: failure.reason, detail: failure.detail, failures: this.failures, retryInMs: wait });
    return wait;
  }

  private async handle(update: Update): Promise<void> {
    try {
      await this.opts.bot.handleUpdate(update);
    } catch (e) {
      // The commands answer their own failures; what reaches here is a bug or a reply that could not be sent.
      const inner = e instanceof BotError ? e.error : e;
      const f = telegramFailure(inner, this.opts.token);
      this.opts.logger.error('telegram update not handled', { updateId: update.update_id, reason: f.reason, detail: f.detail });
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (the only kind of wait the loop does). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
