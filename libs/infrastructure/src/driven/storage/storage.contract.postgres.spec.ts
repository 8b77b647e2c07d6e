import { openPostgresStorage } from './postgres-storage';
import { openTempPostgresStorage } from '@cab/infrastructure/testing';
import { botIsolationContract, storageContract } from './storage.contract';

// The same contract as SQLite's (storage.contract.spec.ts), on the test run's throwaway Postgres
// cluster: a database per test, dropped after it. Without a cluster these fail; they never skip.
jest.setTimeout(60_000);

storageContract('Postgres (real server)', async (clock) => {
  const storage = await openTempPostgresStorage(clock);
  return { storage, dispose: () => storage.dispose() };
});

botIsolationContract('Postgres (two BOT_IDs, one database)', async (clock) => {
  const first = await openTempPostgresStorage(clock, { botId: 'alpha' });
  const second = await openPostgresStorage({ url: first.database.url, clock, botId: 'beta' });
  return {
    a: first,
    b: second,
    dispose: async () => {
      await second.close();
      await first.dispose();
    },
  };
});
