import type { Logger } from '@cab/application';
import type { Context, MiddlewareFn } from 'grammy';

/**
 * Only the configured chat is answered: the bot's commands sell positions, and anyone can find a
 * bot by its name and write to it. Everything else is dropped without an answer (an answer would
 * tell a stranger the bot is alive) and logged with who and where, never the message's text (it may
 * hold anything) nor the token.
 */
export function onlyChat(chatId: string, logger: Logger): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const from = ctx.chat?.id;
    if (from !== undefined && String(from) === chatId) return next();
    logger.warn('telegram update from another chat ignored', {
      chatId: from ?? null,
      chatType: ctx.chat?.type ?? null,
      userId: ctx.from?.id ?? null,
      kind: ctx.callbackQuery ? 'callback_query' : ctx.message ? 'message' : 'other',
    });
  };
}
