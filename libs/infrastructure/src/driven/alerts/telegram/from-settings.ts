import type { Settings } from '../../../settings';
import { TelegramAlerts, type TelegramAlertsOptions } from './telegram-alerts';

/**
 * TelegramAlerts from validated settings (TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID, TELEGRAM_API_URL).
 * The token is revealed here and only here; without a token or a chat id the alerts are a no-op.
 */
export function telegramAlertsFromSettings(
  telegram: Omit<Settings['telegram'], 'commands'>,
  deps: Omit<TelegramAlertsOptions, 'botToken' | 'chatId' | 'apiBaseUrl'>,
): TelegramAlerts {
  return new TelegramAlerts({
    ...deps,
    botToken: telegram.botToken?.reveal() ?? '',
    chatId: telegram.chatId ?? '',
    apiBaseUrl: telegram.apiUrl,
  });
}
