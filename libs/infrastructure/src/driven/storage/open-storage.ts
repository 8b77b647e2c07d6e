import type { Clock } from '@cab/domain';
import type { Settings } from '../../settings/settings';
import { openPostgresStorage } from './postgres-storage';
import { openSqliteStorage } from './sqlite-storage';
import type { Storage } from './storage';

export type { Storage } from './storage';

/**
 * The bot's storage as settings choose it: Postgres when DB_URL is set, else the SQLite file at
 * DB_PATH (the default); both scoped to BOT_ID. What compose() opens (docs/postgres.md).
 */
export async function openStorageFromSettings(
  settings: Pick<Settings, 'db' | 'botId'>,
  clock: Clock,
  /**
   * `trading`: this process places the bot's orders (compose): SQLite keeps its order intent log;
   * `onIntentConflict`: a fold found an order's row written by another process (compose logs it).
   */
  options: { trading?: boolean; onIntentConflict?: (clientOrderIds: readonly string[]) => void } = {},
): Promise<Storage> {
  const { db, botId } = settings;
  if (db.url !== null) return openPostgresStorage({ url: db.url.reveal(), botId, clock });
  return openSqliteStorage({
    path: db.path,
    synchronous: db.synchronous,
    botId,
    clock,
    intentLog: options.trading === true,
    ...(options.onIntentConflict ? { onIntentConflict: options.onIntentConflict } : {}),
  });
}
