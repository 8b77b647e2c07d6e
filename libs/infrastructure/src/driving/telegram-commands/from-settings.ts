import type { Logger, TradingControl } from '@cab/application';
import type { Clock } from '@cab/domain';
import type { BotApp } from '../compose/compose';
import { marketDataPrices } from '../observability/business-metrics';
import { brokerDust } from '../reports/dust-source';
import type { Settings } from '../../settings';
import { storeReadSide, type TelegramReadSide } from './read-side';
import { TelegramCommands, type TelegramCommandsOptions } from './telegram-commands';

export interface TelegramCommandsDeps {
  control: TradingControl;
  read: TelegramReadSide;
  clock: Clock;
  logger: Logger;
  polling?: TelegramCommandsOptions['polling'];
}

/**
 * TelegramCommands from validated settings, or null when TELEGRAM_COMMANDS is off. The settings
 * have already refused TELEGRAM_COMMANDS=true without a token or a numeric chat id; the token is
 * revealed here and only here.
 */
export function telegramCommandsFromSettings(telegram: Settings['telegram'], deps: TelegramCommandsDeps): TelegramCommands | null {
  if (!telegram.commands) return null;
  const token = telegram.botToken?.reveal() ?? '';
  if (token === '' || telegram.chatId === null)
    throw new Error('TELEGRAM_COMMANDS=true without TELEGRAM_BOT_TOKEN or TELEGRAM_CHAT_ID (the settings should have refused it)');
  return new TelegramCommands({ ...deps, token, chatId: telegram.chatId, apiRoot: telegram.apiUrl });
}

/** The commands of a composed bot: its stores, broker and market data (what /api/* reads), its clocks. */
export function telegramCommandsForApp(app: BotApp, control: TradingControl, polling?: TelegramCommandsOptions['polling']): TelegramCommands | null {
  return telegramCommandsFromSettings(app.settings.telegram, {
    control,
    read: storeReadSide({
      orders: app.storage.orders,
      fills: app.storage.fills,
      positions: app.storage.positions,
      broker: app.broker,
      symbols: app.settings.symbols,
      clock: app.clock,
      prices: marketDataPrices(app),
      dust: brokerDust(app.broker),
    }),
    clock: app.wallClock,
    logger: app.logger,
    ...(polling ? { polling } : {}),
  });
}
