import { api, type BotsView } from '../api';
import { byTestId, el, fill, table } from '../dom';
import { utc } from '../format';

/**
 * The bots of the database (many share one Postgres: docs/postgres.md), read-only: each BOT_ID
 * with its orders, fills, open positions and last activity. The bot serving this page is marked;
 * the others are steered from their own dashboards.
 */
export async function refreshBots(): Promise<void> {
  const v = await api.get<BotsView>('/api/bots');
  const pane = byTestId('bots');
  pane.dataset['count'] = String(v.bots.length);
  pane.dataset['current'] = v.current;
  fill(
    pane,
    table(
      ['bot', 'orders', 'fills', 'open positions', 'last activity'],
      v.bots.map((b) => [
        el(
          'span',
          { class: b.current ? 'current-bot' : undefined, 'data-bot': b.botId, 'data-current': String(b.current) },
          b.botId,
          b.current ? ' (this bot)' : '',
        ),
        String(b.orders),
        String(b.fills),
        String(b.openPositions),
        utc(b.lastActivity),
      ]),
      'no bot has written yet',
    ),
  );
}
