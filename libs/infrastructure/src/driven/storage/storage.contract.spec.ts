import { InMemoryStorage } from '@cab/application/testing';
import { openTempStorage } from '@cab/infrastructure/testing';
import { botIsolationContract, storageContract } from './storage.contract';
import { openSqliteStorage } from './sqlite-storage';

storageContract('SQLite (real file DB)', (clock) => {
  const storage = openTempStorage(clock);
  return { storage, dispose: () => storage.dispose() };
});

// The process that trades keeps an order intent log (docs/core.md, "The write-ahead"): the same contract.
storageContract('SQLite (real file DB, order intent log)', (clock) => {
  const storage = openTempStorage(clock, { intentLog: true });
  return { storage, dispose: () => storage.dispose() };
});

storageContract('in-memory (@cab/application/testing)', (clock) => ({ storage: new InMemoryStorage(clock), dispose: async () => undefined }));

// A private in-memory database caches position reads (see PositionsCache): the same contract holds.
storageContract('SQLite in memory (positions read through the cache)', (clock) => {
  const storage = openSqliteStorage({ path: ':memory:', allowInMemory: true, clock });
  return { storage, dispose: () => storage.close() };
});

// Two bots in one SQLite file (V0006): the same isolation Postgres gives many bots.
botIsolationContract('SQLite (two BOT_IDs, one file)', async (clock) => {
  const first = openTempStorage(clock, { botId: 'alpha' });
  const second = openSqliteStorage({ path: first.dbPath, clock, botId: 'beta' });
  return {
    a: first,
    b: second,
    dispose: async () => {
      await second.close();
      await first.dispose();
    },
  };
});
