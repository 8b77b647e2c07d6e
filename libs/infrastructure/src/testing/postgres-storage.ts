import type { Clock } from '@cab/domain';
import { openPostgresStorage, type PostgresStorage, type PostgresStorageOptions } from '../driven/storage/postgres-storage';
import { createTestPostgresDatabase, type TestPostgresDatabase } from './postgres-database';

/**
 * A migrated Postgres storage on a database of its own on the test run's throwaway cluster (real
 * Postgres, not a mock). `dispose()` closes it and drops the database. Fails (never skips) without
 * a cluster. `database` lets a second storage (another BOT_ID) open the same database.
 */
export async function openTempPostgresStorage(
  clock: Clock,
  options: Partial<Omit<PostgresStorageOptions, 'clock' | 'url'>> = {},
): Promise<PostgresStorage & { database: TestPostgresDatabase; dispose: () => Promise<void> }> {
  const database = await createTestPostgresDatabase();
  let storage: PostgresStorage;
  try {
    storage = await openPostgresStorage({ poolSize: 4, ...options, url: database.url, clock });
  } catch (e) {
    await database.drop();
    throw e;
  }
  return {
    ...storage,
    database,
    dispose: async () => {
      await storage.close();
      await database.drop();
    },
  };
}
